//! The depth lab natively: the road renderer's geometry (contact rows, the
//! horizon under pitch and roll, the inverse-depth truth), its determinism, and
//! the shipped depth pair on the lab's measurements.
#![cfg(not(target_arch = "wasm32"))]

use shiftlab::datasets::road::{
    self, CAMERA_HEIGHT, Camera, FOCAL, HEIGHT, HORIZON_ROW, Kind, Layout, Look, Obstacle, Scene,
    Split, WIDTH,
};

fn empty_scene(camera: Camera) -> Scene {
    Scene {
        camera,
        layout: Layout::default(),
        obstacles: Vec::new(),
    }
}

fn car(distance: f32) -> Obstacle {
    Obstacle {
        kind: Kind::Car,
        lateral: 0.0,
        distance,
        width: 1.8,
        height: 1.5,
        colour: [0.2, 0.4, 0.7],
        look: Look::default(),
    }
}

/// The row where the ground starts in `col`: the sky and obstacle rows above it
/// add up to it, since every pixel's rays are either ground or not.
fn ground_starts(ground: &[f32], col: usize) -> f32 {
    HEIGHT as f32 - (0..HEIGHT).map(|r| ground[r * WIDTH + col]).sum::<f32>()
}

#[test]
fn an_obstacle_meets_the_ground_at_horizon_plus_f_h_over_z() {
    for height in [1.2, CAMERA_HEIGHT, 2.2] {
        for distance in [4.5, 8.0, 13.0, 25.0, 45.0] {
            let camera = Camera {
                height,
                ..Camera::default()
            };
            let scene = empty_scene(camera).with_obstacles(vec![car(distance)]);
            let r = scene.render();
            // The bottom of the car's silhouette in the centre column: its last covered
            // row plus the covered share of that row.
            let col = WIDTH / 2;
            let rows: Vec<f32> = (0..HEIGHT)
                .map(|row| r.coverage[0][row * WIDTH + col])
                .collect();
            let last = rows.iter().rposition(|&c| c > 0.0).unwrap();
            let contact = last as f32 + rows[last];
            let expected = HORIZON_ROW + FOCAL * height / distance;
            assert!(
                (contact - expected).abs() < 1.0,
                "h {height}, Z {distance}: contact {contact}, expected {expected}"
            );
            let projected = camera.project([0.0, height, distance]).unwrap().1;
            assert!((projected - expected).abs() < 1e-3);
        }
    }
}

#[test]
fn pitch_moves_the_horizon_by_f_tan_theta() {
    for pitch in [-6.0f32, -3.0, 0.0, 2.5, 6.0] {
        let camera = Camera {
            pitch,
            ..Camera::default()
        };
        let expected = HORIZON_ROW - FOCAL * pitch.to_radians().tan();
        assert!((camera.horizon_row() - expected).abs() < 1e-3, "{pitch}");
        let r = empty_scene(camera).render();
        for col in [10, WIDTH / 2, WIDTH - 10] {
            let measured = ground_starts(&r.ground, col);
            assert!(
                (measured - expected).abs() < 0.5,
                "pitch {pitch}: horizon at {measured}, expected {expected}"
            );
        }
    }
}

#[test]
fn positive_roll_turns_the_horizon_counter_clockwise() {
    let roll = 6.0f32;
    let camera = Camera {
        roll,
        ..Camera::default()
    };
    let r = empty_scene(camera).render();
    let (left, right) = (20, WIDTH - 20);
    let rise = ground_starts(&r.ground, left) - ground_starts(&r.ground, right);
    let expected = (right - left) as f32 * roll.to_radians().tan();
    assert!(
        (rise - expected).abs() < 1.0,
        "rise {rise}, expected {expected}"
    );
}

#[test]
fn ground_truth_is_the_inverse_depth_of_the_ground_plane() {
    let r = empty_scene(Camera::default()).render();
    for row in [41, 50, 70, 95] {
        let v = row as f32 + 0.5 - HORIZON_ROW;
        let expected = v / (FOCAL * CAMERA_HEIGHT);
        let got = r.inverse_depth[row * WIDTH + WIDTH / 2];
        assert!(
            (got - expected).abs() < 1e-5,
            "row {row}: {got} vs {expected}"
        );
        assert_eq!(r.ground[row * WIDTH + 3], 1.0);
    }
    assert_eq!(
        r.inverse_depth[10 * WIDTH + 5],
        0.0,
        "sky is infinitely far"
    );
    // An obstacle's pixels carry 1 / its distance.
    let r = empty_scene(Camera::default())
        .with_obstacles(vec![car(10.0)])
        .render();
    let p = 45 * WIDTH + WIDTH / 2;
    assert_eq!(r.coverage[0][p], 1.0);
    assert!((r.inverse_depth[p] - 0.1).abs() < 1e-6);
}

/// `road::fingerprint` of scene 0 of `fixed-test` seed 0; `tests/browser.rs` checks wasm
/// renders the same bits.
const FIXED_TEST_SCENE_0: u64 = 7_833_601_051_673_616_338;

#[test]
fn the_same_seed_renders_the_same_bits() {
    let split: Split = "jitter-test".parse().unwrap();
    let a = road::generate(split, 3, 7).unwrap();
    let b = road::generate(split, 3, 7).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, road::generate(split, 3, 8).unwrap());
    assert_eq!(a.images.shape, vec![3, 3, HEIGHT, WIDTH]);
    assert_eq!(a.targets.shape, vec![3, 1, HEIGHT, WIDTH]);
    let fixed: Split = "fixed-test".parse().unwrap();
    let rendered = road::scene(fixed, 0, 0).render();
    assert_eq!(road::fingerprint(&rendered), FIXED_TEST_SCENE_0);
}
