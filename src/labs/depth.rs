//! The depth-cues lab (van Dijk & de Croon 2019, "How do neural networks see
//! depth in single images?"): two small depth networks, one trained from a
//! single camera pose (as KITTI's were) and one with pitch, roll and height
//! jittered, look at rendered road scenes. Which cues do they use? The
//! insertion test (an object's vertical position against its apparent size),
//! camera pitch and roll, and the obstacle cues (shadow, dark bottom band,
//! colour) answer it with numbers.

use crate::colormap::{ColorMap, Heatmap};
use crate::datasets::road::{
    self, Camera, HEIGHT, Kind, Layout, Look, Obstacle, Rendered, Scene, WIDTH,
};
use crate::depth::{self, Errors, GroundPlane, line_fit, obstacle_distance};
use crate::imaging::{Image, InputSpec, planes_to_image};
use crate::lab::{Assets, Experiment, Job, Setting, map_reduce, once};
use crate::model::ProbeModel;
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use ts_rs::TS;

/// The pair, fixed pose first.
pub const MODELS: [&str; 2] = ["depth-fixed", "depth-jitter"];
/// Relative distances r of the insertion test.
pub const RATIOS: [f32; 5] = [1.0, 1.5, 2.0, 2.5, 3.0];
/// Camera pitches (degrees) of the pitch sweep.
pub const PITCHES: [f32; 7] = [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0];
/// Camera rolls (degrees) of the roll sweep.
pub const ROLLS: [f32; 7] = [-9.0, -6.0, -3.0, 0.0, 3.0, 6.0, 9.0];
/// The two cars of the pitch sweep: distance (m) and lateral position (m), apart in the image.
pub const PITCH_CARS: [(f32, f32); 2] = [(8.0, -1.2), (16.0, 1.2)];
/// Background obstacles stay this far (m) to the side of the camera, clear of the lab's object.
const KEEP_CLEAR: f32 = 4.0;
/// The lab's scenes draw from their own stream, apart from the data sets'.
const LAB_STREAM: u64 = 41;
/// The lab's object's body colour (a mid blue, so that hue rotation and grey show).
const OBJECT_COLOUR: [f32; 3] = [0.2, 0.38, 0.72];

/// Setting limits, defined once: the settings and `plan`'s checks read them.
pub const SEED_RANGE: (i64, i64) = (0, 9999);
pub const PITCH_RANGE: (f64, f64) = (-8.0, 8.0);
pub const ROLL_RANGE: (f64, f64) = (-12.0, 12.0);
pub const HEIGHT_RANGE: (f64, f64) = (1.0, 2.5);
pub const DISTANCE_RANGE: (f64, f64) = (4.0, 45.0);
pub const LATERAL_RANGE: (f64, f64) = (-6.0, 6.0);
pub const SCALE_RANGE: (f64, f64) = (0.3, 3.0);
pub const BAND_RANGE: (f64, f64) = (0.0, 0.5);
pub const BRIGHTNESS_RANGE: (f64, f64) = (0.0, 1.0);
pub const HUE_RANGE: (f64, f64) = (-180.0, 180.0);
pub const BASE_RANGE: (f64, f64) = (5.0, 15.0);
pub const SCENES_RANGE: (i64, i64) = (1, 16);
pub const DEFAULT_SCENES: i64 = 2;
pub const DEFAULT_BASE: f64 = 8.0;

/// Everything that sets up the scene the lab shows (the URL's scene settings).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "DepthSceneSettings")]
pub struct SceneSettings {
    pub seed: u64,
    pub pitch: f32,
    pub roll: f32,
    pub height: f32,
    pub kind: Kind,
    /// The object's face, metres ahead.
    pub distance: f32,
    /// The object's centre, metres right of the camera.
    pub lateral: f32,
    /// Size relative to the kind's typical size.
    pub scale: f32,
    pub shadow: bool,
    pub band: f32,
    pub band_brightness: f32,
    pub hollow: bool,
    pub grayscale: bool,
    pub hue: f32,
}

fn check(name: &str, v: f64, (lo, hi): (f64, f64)) -> Result<()> {
    if !(lo..=hi).contains(&v) {
        return Err(err!("{name} must be from {lo} to {hi}, got {v}"));
    }
    Ok(())
}

impl SceneSettings {
    fn validate(&self) -> Result<()> {
        check("seed", self.seed as f64, (SEED_RANGE.0 as f64, SEED_RANGE.1 as f64))?;
        check("pitch", self.pitch.into(), PITCH_RANGE)?;
        check("roll", self.roll.into(), ROLL_RANGE)?;
        check("height", self.height.into(), HEIGHT_RANGE)?;
        check("distance", self.distance.into(), DISTANCE_RANGE)?;
        check("lateral", self.lateral.into(), LATERAL_RANGE)?;
        check("scale", self.scale.into(), SCALE_RANGE)?;
        check("band", self.band.into(), BAND_RANGE)?;
        check("bandBrightness", self.band_brightness.into(), BRIGHTNESS_RANGE)?;
        check("hue", self.hue.into(), HUE_RANGE)
    }

    fn camera(&self) -> Camera {
        Camera {
            pitch: self.pitch,
            roll: self.roll,
            height: self.height,
        }
    }

    fn look(&self) -> Look {
        Look {
            shadow: self.shadow,
            band: self.band,
            band_brightness: self.band_brightness,
            hollow: self.hollow,
            grayscale: self.grayscale,
            hue_shift: self.hue,
        }
    }

    /// The scene: background `seed` and the object as set, last in the list.
    pub fn scene(&self) -> Scene {
        let mut scene = background(self.seed, self.camera());
        let object = lab_object(self.kind, self.lateral, self.distance, self.scale);
        scene.obstacles.push(Obstacle {
            look: self.look(),
            ..object
        });
        scene
    }
}

/// Background scene `seed` of the lab: a random road and obstacles kept clear of
/// the lane ahead, seen by `camera`.
pub fn background(seed: u64, camera: Camera) -> Scene {
    let mut rng = road::scene_rng(seed, 0, LAB_STREAM);
    let layout: Layout = road::random_layout(&mut rng);
    let count = rng.below(road::MAX_OBSTACLES as u32) as usize;
    let obstacles = road::random_obstacles(&mut rng, &layout, count, KEEP_CLEAR);
    Scene {
        camera,
        layout,
        obstacles,
    }
}

/// The lab's object: a `kind` of typical size times `scale`, default look.
pub fn lab_object(kind: Kind, lateral: f32, distance: f32, scale: f32) -> Obstacle {
    let (width, height) = kind.typical_size();
    Obstacle {
        kind,
        lateral,
        distance,
        width: width * scale,
        height: height * scale,
        colour: OBJECT_COLOUR,
        look: Look::default(),
    }
}

/// The insertion test's three ways of moving an object r times further away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "DepthInsertionMode")]
pub enum Mode {
    /// r times further: its contact row moves towards the horizon and it shrinks to 1/r.
    Natural,
    /// Only the contact row moves as if r times further; its image size stays.
    Position,
    /// Only the size shrinks to 1/r; its contact row stays.
    Size,
}

pub const MODES: [Mode; 3] = [Mode::Natural, Mode::Position, Mode::Size];

/// The object of the insertion test at ratio `r`: in world terms, moving the contact
/// row alone is a further object scaled up by r, shrinking alone a nearer-sized one.
pub fn inserted(kind: Kind, base: f32, mode: Mode, r: f32) -> Obstacle {
    let (distance, scale) = match mode {
        Mode::Natural => (base * r, 1.0),
        Mode::Position => (base * r, r),
        Mode::Size => (base, 1.0 / r),
    };
    lab_object(kind, 0.0, distance, scale)
}

/// One named change of the obstacle cues table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthCue")]
pub enum Cue {
    Baseline,
    NoShadow,
    NoBand,
    NoShadowNoBand,
    ThickBand,
    BrightBand,
    Hollow,
    Grayscale,
    Hue90,
    Hue180,
    DarkBody,
    LightBody,
}

pub const CUES: [Cue; 12] = [
    Cue::Baseline,
    Cue::NoShadow,
    Cue::NoBand,
    Cue::NoShadowNoBand,
    Cue::ThickBand,
    Cue::BrightBand,
    Cue::Hollow,
    Cue::Grayscale,
    Cue::Hue90,
    Cue::Hue180,
    Cue::DarkBody,
    Cue::LightBody,
];

impl Cue {
    pub fn label(self) -> &'static str {
        match self {
            Cue::Baseline => "as trained (shadow, dark band)",
            Cue::NoShadow => "no shadow",
            Cue::NoBand => "no dark bottom band",
            Cue::NoShadowNoBand => "no shadow, no band",
            Cue::ThickBand => "band 35% of the height",
            Cue::BrightBand => "bright band (grey 0.8)",
            Cue::Hollow => "interior removed",
            Cue::Grayscale => "grayscale body",
            Cue::Hue90 => "hue rotated 90°",
            Cue::Hue180 => "hue rotated 180°",
            Cue::DarkBody => "body 40% as bright",
            Cue::LightBody => "body mixed half with white",
        }
    }

    pub fn apply(self, o: Obstacle) -> Obstacle {
        let look = o.look;
        let with = |look: Look| Obstacle { look, ..o };
        match self {
            Cue::Baseline => o,
            Cue::NoShadow => with(Look {
                shadow: false,
                ..look
            }),
            Cue::NoBand => with(Look { band: 0.0, ..look }),
            Cue::NoShadowNoBand => with(Look {
                shadow: false,
                band: 0.0,
                ..look
            }),
            Cue::ThickBand => with(Look { band: 0.35, ..look }),
            Cue::BrightBand => with(Look {
                band_brightness: 0.8,
                ..look
            }),
            Cue::Hollow => with(Look {
                hollow: true,
                ..look
            }),
            Cue::Grayscale => with(Look {
                grayscale: true,
                ..look
            }),
            Cue::Hue90 => with(Look {
                hue_shift: 90.0,
                ..look
            }),
            Cue::Hue180 => with(Look {
                hue_shift: 180.0,
                ..look
            }),
            Cue::DarkBody => Obstacle {
                colour: o.colour.map(|c| c * 0.4),
                ..o
            },
            Cue::LightBody => Obstacle {
                colour: o.colour.map(|c| (c + 1.0) / 2.0),
                ..o
            },
        }
    }
}

pub struct Depth;

/// What the lab computes.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(tag = "job", rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "DepthRequest")]
pub enum Request {
    /// The scene, its true inverse depth and both models' maps.
    View { scene: SceneSettings },
    /// The insertion test over `scenes` backgrounds, the object `base` m ahead at r = 1.
    Insertion {
        seed: u64,
        scenes: usize,
        kind: Kind,
        base: f32,
    },
    /// The pitch sweep: horizon and distance errors of cars at 8 and 16 m.
    Pitch { seed: u64, scenes: usize },
    /// The roll sweep: the ground plane's roll.
    Roll { seed: u64, scenes: usize },
    /// The obstacle cues: each change of the object's look, `distance` m ahead.
    Cues {
        seed: u64,
        scenes: usize,
        kind: Kind,
        distance: f32,
    },
}

/// One model's reading of the shown scene.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthModelView")]
pub struct ModelView {
    pub id: String,
    /// Inverse depth, on the truth's scale.
    pub map: Heatmap,
    /// The object's estimated distance (m), if any pixel is mostly the object.
    pub distance: Option<f32>,
    /// The horizon row and roll (degrees) of the ground plane fitted to the map.
    pub horizon: Option<f64>,
    pub roll: Option<f64>,
    /// Over this scene's pixels up to 80 m.
    pub abs_rel: f64,
    pub delta1_percent: f64,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthView")]
pub struct ViewOutput {
    pub image: Image,
    pub truth: Heatmap,
    /// Fixed pose, then jittered.
    pub models: Vec<ModelView>,
    /// The true horizon row at the centre column and the object's box in the
    /// image `[left, top, right, bottom]` (pixels; absent if behind the camera).
    pub horizon: f32,
    pub object_box: Option<[f32; 4]>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthInsertionCurve")]
pub struct InsertionCurve {
    pub mode: Mode,
    /// Mean predicted distance at r over predicted distance at r = 1, per `RATIOS`.
    pub relative: Vec<Option<f64>>,
    /// The least-squares slope of `relative` against r (natural: 1 if exact).
    pub slope: Option<f64>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthInsertionModel")]
pub struct InsertionModel {
    pub id: String,
    pub curves: Vec<InsertionCurve>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthInsertion")]
pub struct InsertionOutput {
    pub ratios: Vec<f32>,
    pub models: Vec<InsertionModel>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthPitchModel")]
pub struct PitchModel {
    pub id: String,
    /// Mean estimated horizon row per pitch.
    pub horizon: Vec<Option<f64>>,
    /// Estimated horizon shift (from pitch 0) against the true shift: slope 1 = follows.
    pub shift_slope: Option<f64>,
    /// Mean signed distance error (%) of the cars at 8 and 16 m, per pitch.
    pub error_near: Vec<Option<f64>>,
    pub error_far: Vec<Option<f64>>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthPitch")]
pub struct PitchOutput {
    pub pitches: Vec<f32>,
    /// The true horizon row per pitch.
    pub horizon: Vec<f32>,
    pub models: Vec<PitchModel>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthRollModel")]
pub struct RollModel {
    pub id: String,
    /// Mean estimated ground-plane roll (degrees) per true roll.
    pub roll: Vec<Option<f64>>,
    pub slope: Option<f64>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthRoll")]
pub struct RollOutput {
    pub rolls: Vec<f32>,
    pub models: Vec<RollModel>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthCueRow")]
pub struct CueRow {
    pub cue: Cue,
    pub label: String,
    /// Per model: how much of the object's own inverse depth the map shows over its
    /// silhouette, (predicted with − without the object) / (true with − without);
    /// 1 = a full obstacle, 0 = not seen.
    pub response: Vec<Option<f64>>,
    /// Per model: mean signed error (%) of the estimated distance.
    pub error: Vec<Option<f64>>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "DepthCues")]
pub struct CuesOutput {
    pub models: Vec<String>,
    pub rows: Vec<CueRow>,
}

/// A model of the pair with the input spec its maps need.
struct Net {
    id: String,
    model: Rc<ProbeModel>,
    spec: InputSpec,
}

impl Net {
    fn maps(&self, rendered: &[&Rendered]) -> Result<Vec<Vec<f32>>> {
        let images: Vec<&Tensor> = rendered.iter().map(|r| &r.image).collect();
        depth::predict(&self.model, &self.spec, &images)
    }
}

fn load_pair(assets: &Assets) -> Result<Rc<Vec<Net>>> {
    let nets = MODELS
        .iter()
        .map(|&id| {
            let entry = assets.entry(id)?;
            let spec = entry
                .input_specs()
                .into_iter()
                .next()
                .ok_or_else(|| err!("{id} has no input"))?;
            if spec.shape != [3, HEIGHT, WIDTH] {
                return Err(err!("{id} must take 3×96×160 images, not {:?}", spec.shape));
            }
            let model = assets.model_with(id, &entry.input_shapes(), &[])?;
            Ok(Net {
                id: id.to_string(),
                model,
                spec,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Rc::new(nets))
}

fn check_scenes(scenes: usize) -> Result<()> {
    check(
        "scenes",
        scenes as f64,
        (SCENES_RANGE.0 as f64, SCENES_RANGE.1 as f64),
    )
}

/// The mean of the finite values, `None` if there are none (results carry no NaN:
/// JSON has none, and pooled parts travel as JSON).
fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The least-squares slope of y against x over the points that have a y.
fn slope(x: &[f64], y: &[Option<f64>]) -> Option<f64> {
    let (xs, ys): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter_map(|(&a, b)| Some((a, (*b)?)))
        .unzip();
    line_fit(&xs, &ys).map(|f| f.0)
}

/// The object's box in the image, from its four face corners.
fn object_box(camera: &Camera, o: &Obstacle) -> Option<[f32; 4]> {
    let ground = camera.height;
    let corners = [-0.5f32, 0.5].into_iter().flat_map(|side| {
        [0.0, o.height].map(|up| [o.lateral + side * o.width, ground - up, o.distance])
    });
    let points: Vec<(f32, f32)> = corners
        .map(|p| camera.project(p))
        .collect::<Option<Vec<_>>>()?;
    let (us, vs): (Vec<f32>, Vec<f32>) = points.into_iter().unzip();
    let min = |v: &[f32]| v.iter().copied().fold(f32::INFINITY, f32::min);
    let max = |v: &[f32]| v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    Some([min(&us), min(&vs), max(&us), max(&vs)])
}

fn view(settings: SceneSettings, nets: &[Net]) -> Result<ViewOutput> {
    let scene = settings.scene();
    let rendered = scene.render();
    let object = scene.obstacles.len() - 1;
    let maps = nets
        .iter()
        .map(|n| Ok(n.maps(&[&rendered])?.remove(0)))
        .collect::<Result<Vec<_>>>()?;
    let hi = rendered
        .inverse_depth
        .iter()
        .copied()
        .fold(0.0f32, f32::max)
        .max(0.05);
    let mut all: Vec<&[f32]> = vec![&rendered.inverse_depth];
    all.extend(maps.iter().map(Vec::as_slice));
    let mut heatmaps = Heatmap::shared(&all, WIDTH, HEIGHT, ColorMap::Magma, Some(0.0), Some(hi))?;
    let truth = heatmaps.remove(0);
    let models = nets
        .iter()
        .zip(maps.iter().zip(heatmaps))
        .map(|(net, (map, heatmap))| {
            let plane = GroundPlane::fit(map, &rendered.ground);
            let mut errors = Errors::default();
            errors.add(map, &rendered.inverse_depth);
            ModelView {
                id: net.id.clone(),
                map: heatmap,
                distance: obstacle_distance(map, &rendered, object),
                horizon: plane.and_then(|p| p.horizon_row()),
                roll: plane.map(|p| p.roll_degrees()),
                abs_rel: errors.abs_rel(),
                delta1_percent: errors.delta1_percent(),
            }
        })
        .collect();
    Ok(ViewOutput {
        image: planes_to_image(&rendered.image),
        truth,
        models,
        horizon: scene.camera.horizon_row(),
        object_box: object_box(&scene.camera, &scene.obstacles[object]),
    })
}

/// Background scene `index` of a sweep seeded with `seed`.
fn sweep_background(seed: u64, index: usize, camera: Camera) -> Scene {
    background(seed.wrapping_add(index as u64), camera)
}

/// Per model, per mode, the object's predicted distance at each r over that at r = 1.
type InsertionPart = Vec<Vec<Vec<Option<f64>>>>;

fn insertion(
    nets: Rc<Vec<Net>>,
    seed: u64,
    scenes: usize,
    kind: Kind,
    base: f32,
) -> Box<dyn Job> {
    let map = {
        let nets = Rc::clone(&nets);
        move |index: usize| -> Result<InsertionPart> {
            let scene = sweep_background(seed, index, Camera::default());
            // r = 1 is the same object in all three modes: render it once.
            let mut variants = vec![(Mode::Natural, 1.0f32)];
            for mode in MODES {
                variants.extend(RATIOS[1..].iter().map(|&r| (mode, r)));
            }
            let rendered: Vec<Rendered> = variants
                .iter()
                .map(|&(mode, r)| {
                    let mut obstacles = scene.obstacles.clone();
                    obstacles.push(inserted(kind, base, mode, r));
                    scene.with_obstacles(obstacles).render()
                })
                .collect();
            let object = scene.obstacles.len();
            let refs: Vec<&Rendered> = rendered.iter().collect();
            nets.iter()
                .map(|net| {
                    let maps = net.maps(&refs)?;
                    let distances: Vec<Option<f32>> = maps
                        .iter()
                        .zip(&rendered)
                        .map(|(m, r)| obstacle_distance(m, r, object))
                        .collect();
                    let at_one = distances[0];
                    Ok(MODES
                        .iter()
                        .enumerate()
                        .map(|(k, _)| {
                            let per_r = (0..RATIOS.len()).map(|j| {
                                let d = if j == 0 {
                                    at_one
                                } else {
                                    distances[1 + k * (RATIOS.len() - 1) + j - 1]
                                };
                                Some(f64::from(d?) / f64::from(at_one?))
                            });
                            per_r.collect()
                        })
                        .collect())
                })
                .collect()
        }
    };
    map_reduce(scenes, map, move |parts: Vec<InsertionPart>| {
        let ratios: Vec<f64> = RATIOS.iter().map(|&r| f64::from(r)).collect();
        let models = nets
            .iter()
            .enumerate()
            .map(|(m, net)| {
                let curves = MODES
                    .iter()
                    .enumerate()
                    .map(|(k, &mode)| {
                        let relative: Vec<Option<f64>> = (0..RATIOS.len())
                            .map(|j| mean(parts.iter().filter_map(|p| p[m][k][j])))
                            .collect();
                        InsertionCurve {
                            mode,
                            slope: slope(&ratios, &relative),
                            relative,
                        }
                    })
                    .collect();
                InsertionModel {
                    id: net.id.clone(),
                    curves,
                }
            })
            .collect();
        Ok(InsertionOutput {
            ratios: RATIOS.to_vec(),
            models,
        })
    })
}

/// Per model: mean estimated horizon row, near and far car errors (%) at one pitch.
type PitchPart = Vec<[Option<f64>; 3]>;

fn pitch(nets: Rc<Vec<Net>>, seed: u64, scenes: usize) -> Box<dyn Job> {
    let map = {
        let nets = Rc::clone(&nets);
        move |step: usize| -> Result<PitchPart> {
            let camera = Camera {
                pitch: PITCHES[step],
                ..Camera::default()
            };
            let rendered: Vec<(Rendered, usize)> = (0..scenes)
                .map(|i| {
                    let scene = sweep_background(seed, i, camera);
                    let first = scene.obstacles.len();
                    let mut obstacles = scene.obstacles.clone();
                    obstacles.extend(
                        PITCH_CARS
                            .iter()
                            .map(|&(z, x)| lab_object(Kind::Car, x, z, 1.0)),
                    );
                    (scene.with_obstacles(obstacles).render(), first)
                })
                .collect();
            let refs: Vec<&Rendered> = rendered.iter().map(|(r, _)| r).collect();
            nets.iter()
                .map(|net| {
                    let maps = net.maps(&refs)?;
                    let horizon = mean(maps.iter().zip(&rendered).filter_map(|(m, (r, _))| {
                        GroundPlane::fit(m, &r.ground).and_then(|p| p.horizon_row())
                    }));
                    let error = |car: usize| {
                        mean(maps.iter().zip(&rendered).filter_map(|(m, (r, first))| {
                            let truth = f64::from(PITCH_CARS[car].0);
                            obstacle_distance(m, r, first + car)
                                .map(|d| 100.0 * (f64::from(d) - truth) / truth)
                        }))
                    };
                    Ok([horizon, error(0), error(1)])
                })
                .collect()
        }
    };
    map_reduce(PITCHES.len(), map, move |parts: Vec<PitchPart>| {
        let horizon: Vec<f32> = PITCHES
            .iter()
            .map(|&pitch| {
                Camera {
                    pitch,
                    ..Camera::default()
                }
                .horizon_row()
            })
            .collect();
        let zero = PITCHES.iter().position(|&p| p == 0.0).expect("pitch 0 is swept");
        let true_shift: Vec<f64> = horizon
            .iter()
            .map(|&h| f64::from(h - horizon[zero]))
            .collect();
        let models = nets
            .iter()
            .enumerate()
            .map(|(m, net)| {
                let column = |k: usize| parts.iter().map(|p| p[m][k]).collect::<Vec<_>>();
                let estimated = column(0);
                let shift: Vec<Option<f64>> = estimated
                    .iter()
                    .map(|h| Some((*h)? - estimated[zero]?))
                    .collect();
                PitchModel {
                    id: net.id.clone(),
                    shift_slope: slope(&true_shift, &shift),
                    horizon: estimated,
                    error_near: column(1),
                    error_far: column(2),
                }
            })
            .collect();
        Ok(PitchOutput {
            pitches: PITCHES.to_vec(),
            horizon,
            models,
        })
    })
}

fn roll(nets: Rc<Vec<Net>>, seed: u64, scenes: usize) -> Box<dyn Job> {
    let map = {
        let nets = Rc::clone(&nets);
        move |step: usize| -> Result<Vec<Option<f64>>> {
            let camera = Camera {
                roll: ROLLS[step],
                ..Camera::default()
            };
            let rendered: Vec<Rendered> = (0..scenes)
                .map(|i| sweep_background(seed, i, camera).render())
                .collect();
            let refs: Vec<&Rendered> = rendered.iter().collect();
            nets.iter()
                .map(|net| {
                    let maps = net.maps(&refs)?;
                    Ok(mean(maps.iter().zip(&rendered).filter_map(|(m, r)| {
                        GroundPlane::fit(m, &r.ground).map(|p| p.roll_degrees())
                    })))
                })
                .collect()
        }
    };
    map_reduce(ROLLS.len(), map, move |parts: Vec<Vec<Option<f64>>>| {
        let truth: Vec<f64> = ROLLS.iter().map(|&r| f64::from(r)).collect();
        let models = nets
            .iter()
            .enumerate()
            .map(|(m, net)| {
                let roll: Vec<Option<f64>> = parts.iter().map(|p| p[m]).collect();
                RollModel {
                    id: net.id.clone(),
                    slope: slope(&truth, &roll),
                    roll,
                }
            })
            .collect();
        Ok(RollOutput {
            rolls: ROLLS.to_vec(),
            models,
        })
    })
}

/// Per model, per cue: the object's response and distance error (%) in one scene.
type CuesPart = Vec<Vec<[Option<f64>; 2]>>;

/// How much of an object's own inverse depth a map shows over its silhouette:
/// (mean predicted with − without the object) / (1/distance − mean true without),
/// over the pixels mostly covered by the object. The camera is level, so the
/// face's depth is its distance.
fn response(
    with: &[f32],
    without: &[f32],
    truth_without: &[f32],
    coverage: &[f32],
    distance: f32,
) -> Option<f64> {
    let mean_over = |map: &[f32]| {
        mean(
            map.iter()
                .zip(coverage)
                .filter(|&(_, &c)| c >= depth::MASK_COVERAGE)
                .map(|(&v, _)| f64::from(v)),
        )
    };
    let predicted = mean_over(with)? - mean_over(without)?;
    let truth = 1.0 / f64::from(distance) - mean_over(truth_without)?;
    (truth.abs() > 1e-6).then(|| predicted / truth)
}

fn cues(nets: Rc<Vec<Net>>, seed: u64, scenes: usize, kind: Kind, distance: f32) -> Box<dyn Job> {
    let map = {
        let nets = Rc::clone(&nets);
        move |index: usize| -> Result<CuesPart> {
            let scene = sweep_background(seed, index, Camera::default());
            let object = scene.obstacles.len();
            let base = lab_object(kind, 0.0, distance, 1.0);
            let mut rendered = vec![scene.render()];
            rendered.extend(CUES.iter().map(|cue| {
                let mut obstacles = scene.obstacles.clone();
                obstacles.push(cue.apply(base));
                scene.with_obstacles(obstacles).render()
            }));
            let refs: Vec<&Rendered> = rendered.iter().collect();
            nets.iter()
                .map(|net| {
                    let maps = net.maps(&refs)?;
                    Ok((1..rendered.len())
                        .map(|k| {
                            let r = &rendered[k];
                            let answer = response(
                                &maps[k],
                                &maps[0],
                                &rendered[0].inverse_depth,
                                &r.coverage[object],
                                distance,
                            );
                            let error = obstacle_distance(&maps[k], r, object).map(|d| {
                                100.0 * (f64::from(d) - f64::from(distance)) / f64::from(distance)
                            });
                            [answer, error]
                        })
                        .collect())
                })
                .collect()
        }
    };
    map_reduce(scenes, map, move |parts: Vec<CuesPart>| {
        let rows = CUES
            .iter()
            .enumerate()
            .map(|(k, &cue)| {
                let column = |m: usize, q: usize| mean(parts.iter().filter_map(|p| p[m][k][q]));
                CueRow {
                    cue,
                    label: cue.label().to_string(),
                    response: (0..nets.len()).map(|m| column(m, 0)).collect(),
                    error: (0..nets.len()).map(|m| column(m, 1)).collect(),
                }
            })
            .collect();
        Ok(CuesOutput {
            models: nets.iter().map(|n| n.id.clone()).collect(),
            rows,
        })
    })
}

fn check_base(base: f32) -> Result<()> {
    check("base", base.into(), BASE_RANGE)
}

impl Experiment for Depth {
    const ID: &'static str = "depth";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        let on_off = |name, label, default| {
            Setting::choice(
                name,
                label,
                &[("on", "on", "drawn"), ("off", "off", "left out")],
                default,
            )
        };
        let kinds = [
            ("car", "car", "1.75 m wide, 1.5 m high"),
            ("van", "van", "2 m wide, 2.15 m high"),
            ("truck", "truck", "2.5 m wide, 3.4 m high"),
            ("pedestrian", "pedestrian", "0.58 m wide, 1.75 m high"),
        ];
        vec![
            Setting::int("seed", "scene", SEED_RANGE, 3),
            Setting::float("pitch", "camera pitch (°, + looks down)", PITCH_RANGE, 0.0, 0.5),
            Setting::float("roll", "camera roll (°)", ROLL_RANGE, 0.0, 0.5),
            Setting::float("height", "camera height (m)", HEIGHT_RANGE, 1.65, 0.05),
            Setting::choice("kind", "object", &kinds, "car"),
            Setting::float("distance", "object distance (m)", DISTANCE_RANGE, 12.0, 0.5),
            Setting::float("lateral", "object lateral (m)", LATERAL_RANGE, 0.0, 0.1),
            Setting::float("scale", "object size ×", SCALE_RANGE, 1.0, 0.05),
            on_off("shadow", "shadow", "on"),
            Setting::float("band", "bottom band (share of height)", BAND_RANGE, 0.15, 0.01),
            Setting::float("bandBrightness", "band brightness", BRIGHTNESS_RANGE, 0.1, 0.05),
            on_off("hollow", "interior removed", "off"),
            on_off("grayscale", "grayscale", "off"),
            Setting::float("hue", "hue rotation (°)", HUE_RANGE, 0.0, 5.0),
            Setting::float("base", "insertion: distance at r = 1 (m)", BASE_RANGE, DEFAULT_BASE, 0.5),
            Setting::int("scenes", "scenes per measurement", SCENES_RANGE, DEFAULT_SCENES),
        ]
    }

    fn assets(_request: &Request, assets: &Assets) -> Result<Vec<String>> {
        MODELS.iter().map(|id| assets.model_key(id)).collect()
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        let nets = load_pair(assets)?;
        match request {
            Request::View { scene } => {
                scene.validate()?;
                Ok(once(move || view(scene, &nets)))
            }
            Request::Insertion {
                seed,
                scenes,
                kind,
                base,
            } => {
                check_scenes(scenes)?;
                check_base(base)?;
                Ok(insertion(nets, seed, scenes, kind, base))
            }
            Request::Pitch { seed, scenes } => {
                check_scenes(scenes)?;
                Ok(pitch(nets, seed, scenes))
            }
            Request::Roll { seed, scenes } => {
                check_scenes(scenes)?;
                Ok(roll(nets, seed, scenes))
            }
            Request::Cues {
                seed,
                scenes,
                kind,
                distance,
            } => {
                check_scenes(scenes)?;
                check("distance", distance.into(), DISTANCE_RANGE)?;
                Ok(cues(nets, seed, scenes, kind, distance))
            }
        }
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<ViewOutput>();
        out.add::<InsertionOutput>();
        out.add::<PitchOutput>();
        out.add::<RollOutput>();
        out.add::<CuesOutput>();
    }
}
