//! A lab's URL settings as data: the page builds its URL schema and its controls
//! from these, so a default or a limit is written once, in the lab's module.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Setting {
    pub name: &'static str,
    /// What the control is called on the page.
    pub label: &'static str,
    #[serde(flatten)]
    pub kind: SettingKind,
    /// Appended to the explanation when a link's value is rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub note: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SettingKind {
    Int {
        min: i64,
        max: i64,
        default: i64,
    },
    Float {
        min: f64,
        max: f64,
        default: f64,
        step: f64,
    },
    /// One of fixed choices.
    Enum {
        choices: Vec<Choice>,
        default: &'static str,
    },
    /// A manifest model with this task; the page lists the manifest's models.
    Model {
        task: &'static str,
        default: &'static str,
    },
    /// A value whose choices depend on other settings (a model's layers, its
    /// images); the page supplies them.
    Dynamic {
        default: Option<&'static str>,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    /// A longer explanation (the control's tooltip).
    pub title: &'static str,
}

impl Setting {
    fn new(name: &'static str, label: &'static str, kind: SettingKind) -> Setting {
        Setting {
            name,
            label,
            kind,
            note: None,
        }
    }

    pub fn int(name: &'static str, label: &'static str, range: (i64, i64), default: i64) -> Self {
        Setting::new(
            name,
            label,
            SettingKind::Int {
                min: range.0,
                max: range.1,
                default,
            },
        )
    }

    pub fn float(
        name: &'static str,
        label: &'static str,
        range: (f64, f64),
        default: f64,
        step: f64,
    ) -> Self {
        Setting::new(
            name,
            label,
            SettingKind::Float {
                min: range.0,
                max: range.1,
                default,
                step,
            },
        )
    }

    pub fn choice(
        name: &'static str,
        label: &'static str,
        choices: &[(&'static str, &'static str, &'static str)],
        default: &'static str,
    ) -> Self {
        let choices = choices
            .iter()
            .map(|&(value, label, title)| Choice {
                value,
                label,
                title,
            })
            .collect();
        Setting::new(name, label, SettingKind::Enum { choices, default })
    }

    pub fn model(
        name: &'static str,
        label: &'static str,
        task: &'static str,
        default: &'static str,
    ) -> Self {
        Setting::new(name, label, SettingKind::Model { task, default })
    }

    pub fn dynamic(name: &'static str, label: &'static str, default: Option<&'static str>) -> Self {
        Setting::new(name, label, SettingKind::Dynamic { default })
    }

    /// The default as a link's JSON value; none for a dynamic setting without one.
    pub fn default_value(&self) -> Option<serde_json::Value> {
        Some(match &self.kind {
            SettingKind::Int { default, .. } => (*default).into(),
            SettingKind::Float { default, .. } => (*default).into(),
            SettingKind::Enum { default, .. } | SettingKind::Model { default, .. } => {
                (*default).into()
            }
            SettingKind::Dynamic { default } => (*default)?.into(),
        })
    }

    pub fn note(mut self, note: &'static str) -> Self {
        self.note = Some(note);
        self
    }
}
