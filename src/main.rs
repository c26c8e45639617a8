//! `shiftlab`: native commands around the core, e.g. writing the procedural
//! data sets for the training scripts. The page never runs this binary, so on
//! wasm32 it is empty.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::run()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand, ValueEnum};
    use shiftlab::datasets::{clevr, red_green, road, siamese};
    use shiftlab::{Result, err};
    use std::path::PathBuf;
    use std::process::ExitCode;

    #[derive(Parser)]
    #[command(name = "shiftlab", about = "ShiftLab's native tools")]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Write a procedural data set as .npy files: <set>-<split>-images.npy and
        /// <set>-<split>-targets.npy (siamese: -templates, -searches, -targets).
        GenData(GenData),
        /// Run a lab's request natively and print its result as JSON, e.g.
        /// `shiftlab experiment shift '{"model":"digits-maxpool",...}'`: the very JSON
        /// the page sends to its worker.
        Experiment {
            /// Lab id (see `shiftlab::labs::LABS`).
            name: String,
            /// The request as JSON.
            options: String,
        },
        /// Write the page files generated from the Rust labs (settings, colour bars,
        /// TypeScript declarations) under www/generated/.
        Generate,
        /// Time the shipped models natively (median ms per batch) and print JSON: the
        /// `benchmark` lab's result; the browser half of the comparison
        /// (scripts/bench.mjs) runs the same lab in the worker.
        Bench(Bench),
    }

    #[derive(clap::Args)]
    struct Bench {
        /// Items per run.
        #[arg(long, default_value_t = shiftlab::labs::benchmark::DEFAULT_BATCH)]
        batch: usize,
        /// Timed runs per model, after two untimed ones.
        #[arg(long, default_value_t = shiftlab::labs::benchmark::DEFAULT_REPEATS)]
        repeats: usize,
        /// Seed of the inputs.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Only these models (manifest ids, comma-separated); all when absent.
        #[arg(long, value_delimiter = ',')]
        models: Vec<String>,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum DataSet {
        RedGreen,
        Clevr,
        Siamese,
        /// Road scenes and their inverse depth (the depth lab).
        Road,
    }

    #[derive(clap::Args)]
    struct GenData {
        set: DataSet,
        /// red-green: train, validation, similar, dissimilar; clevr: uniform-train, uniform-test,
        /// quadrant-train, quadrant-test; siamese: centred, shifted; road: fixed-train,
        /// fixed-test, jitter-train, jitter-test.
        #[arg(long)]
        split: String,
        /// Number of examples (clevr ignores it and writes the whole split).
        #[arg(long)]
        n: Option<usize>,
        /// Seed of the generator; each split draws from its own stream of it.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Directory to write into, created if missing.
        #[arg(long)]
        out: PathBuf,
        /// Largest |dx|, |dy| of the siamese `shifted` split.
        #[arg(long, default_value_t = siamese::DEFAULT_MAX_SHIFT)]
        max_shift: i32,
        /// red-green only: `paper` (Kayhan & van Gemert's generator, the shipped models'
        /// data) or `ours` (ShiftLab's earlier one-row layout).
        #[arg(long, default_value = "paper")]
        layout: String,
    }

    pub fn run() -> ExitCode {
        let result = match Cli::parse().command {
            Command::GenData(args) => gen_data(&args),
            Command::Experiment { name, options } => experiment(&name, &options),
            Command::Bench(args) => bench(&args),
            Command::Generate => generate(),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn experiment(name: &str, options: &str) -> Result<()> {
        let options =
            serde_json::from_str(options).map_err(|e| err!("options are not JSON: {e}"))?;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let result = shiftlab::lab::run_from_disk(root, name, options)?;
        println!("{result}");
        Ok(())
    }

    fn generate() -> Result<()> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (path, contents) in shiftlab::lab::GENERATED {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("a folder"))
                .and_then(|()| std::fs::write(&path, contents()))
                .map_err(|e| err!("cannot write {}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
        Ok(())
    }

    /// The `benchmark` lab on every chosen model (all of the manifest's by default).
    fn bench(args: &Bench) -> Result<()> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let models = if args.models.is_empty() {
            let assets = shiftlab::lab::Assets::open(root)?;
            assets
                .manifest()
                .models
                .iter()
                .map(|m| m.id.clone())
                .collect()
        } else {
            args.models.clone()
        };
        let request = serde_json::json!({
            "models": models,
            "batch": args.batch,
            "repeats": args.repeats,
            "seed": args.seed,
        });
        println!(
            "{}",
            shiftlab::lab::run_from_disk(root, "benchmark", request)?
        );
        Ok(())
    }

    fn gen_data(args: &GenData) -> Result<()> {
        let count = || {
            args.n
                .ok_or_else(|| err!("--n is required for this data set"))
        };
        let (name, written) = match args.set {
            DataSet::RedGreen => {
                let layout: red_green::Layout = args.layout.parse()?;
                let set =
                    red_green::generate_with(layout, args.split.parse()?, count()?, args.seed)?;
                (
                    "red-green",
                    set.write_npy(&args.out, &prefix("red-green", &args.split))?,
                )
            }
            DataSet::Clevr => {
                let set = clevr::generate(args.split.parse()?, args.seed)?;
                (
                    "clevr",
                    set.write_npy(&args.out, &prefix("clevr", &args.split))?,
                )
            }
            DataSet::Road => {
                let set = road::generate(args.split.parse()?, count()?, args.seed)?;
                (
                    "road",
                    set.write_npy(&args.out, &prefix("road", &args.split))?,
                )
            }
            DataSet::Siamese => {
                let mode = siamese::Mode::from_name(&args.split, args.max_shift)?;
                let set = siamese::generate(mode, count()?, args.seed)?;
                (
                    "siamese",
                    set.write_npy(&args.out, &prefix("siamese", &args.split))?,
                )
            }
        };
        let layout = match args.set {
            DataSet::RedGreen => format!(", layout {}", args.layout),
            _ => String::new(),
        };
        println!("{name} {} (seed {}{layout}):", args.split, args.seed);
        for path in written {
            println!("  {}", path.display());
        }
        Ok(())
    }

    fn prefix(set: &str, split: &str) -> String {
        format!("{set}-{split}")
    }
}
