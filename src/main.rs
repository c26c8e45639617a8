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
    use serde_json::Value;
    use sha2::{Digest, Sha256};
    use shiftlab::datasets::{clevr, red_green, road, siamese};
    use shiftlab::lab::{self, Assets};
    use shiftlab::model::NodeTime;
    use shiftlab::{Result, err};
    use std::io::IsTerminal;
    use std::path::{Path, PathBuf};
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
            #[command(flatten)]
            uploads: Uploads,
        },
        /// Audit a model: shift and scale invariance, per-layer equivariance, position
        /// read out from its features, black-border sensitivity — the page's audit,
        /// computed by the same code. Prints a table (and the JSON with --json).
        Audit(AuditArgs),
        /// Write the page files generated from the Rust labs (settings, colour bars,
        /// TypeScript declarations) under www/generated/.
        Generate,
        /// Time the shipped models natively (median ms per batch) and print JSON: the
        /// `benchmark` lab's result; the browser half of the comparison
        /// (scripts/bench.mjs) runs the same lab in the worker.
        Bench(Bench),
        /// Time every node of the models' optimised tract plans on the benchmark's
        /// workload and print where the time goes, heaviest nodes first: tract's plan,
        /// not ONNX's graph, so fused and rewritten ops appear as tract runs them.
        Profile(Bench),
        /// Re-measure shipped models' headline metrics from their manifest `eval` recipes
        /// (as CI does) and print `{id: {metric: value}}` as JSON; the training scripts
        /// write the metrics only the core measures (the position readout, the digits'
        /// shift metrics) from it.
        Remeasure {
            /// Manifest ids (of models or of their other seeds).
            ids: Vec<String>,
        },
    }

    /// Your own files, named in a request as the page names them: `upload:<sha256>`.
    #[derive(clap::Args)]
    struct Uploads {
        /// An ONNX model of yours; its id in the request is `upload:<sha256 of the file>`.
        #[arg(long)]
        model: Option<PathBuf>,
        /// The model's description (a manifest entry, as the page's form exports it);
        /// without it, the one inspection suggests.
        #[arg(long, requires = "model")]
        config: Option<PathBuf>,
        /// An image of yours (repeatable), named `upload:<sha256 of the file>`.
        #[arg(long = "image")]
        images: Vec<PathBuf>,
    }

    #[derive(clap::Args)]
    struct AuditArgs {
        /// An ONNX file, or the manifest id of a shipped model.
        model: String,
        /// The model's description (sidecar JSON in the form of a manifest entry).
        #[arg(long)]
        config: Option<PathBuf>,
        /// A folder of PNG/JPEG images to measure on (default: the bundled digits for
        /// one-channel inputs, the bundled photos for colour ones).
        #[arg(long)]
        images: Option<PathBuf>,
        /// Also write the report as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        #[arg(long, default_value = "crop")]
        mode: String,
        #[arg(long, default_value_t = 8)]
        range: i64,
        #[arg(long, default_value_t = 5)]
        pairs: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Crops per photo of the position readout.
        #[arg(long, default_value_t = shiftlab::labs::audit::DEFAULT_CROPS)]
        crops: usize,
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
            Command::Experiment {
                name,
                options,
                uploads,
            } => experiment(&name, &options, &uploads),
            Command::Audit(args) => audit(&args),
            Command::Bench(args) => bench(&args),
            Command::Profile(args) => profile(&args),
            Command::Generate => generate(),
            Command::Remeasure { ids } => remeasure(&ids),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn read(path: &Path) -> Result<Vec<u8>> {
        std::fs::read(path).map_err(|e| err!("cannot read {}: {e}", path.display()))
    }

    /// Store a file of the user's under the key the page gives it.
    fn upload(assets: &Assets, bytes: Vec<u8>) -> String {
        let hash: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let key = format!("{}{hash}", lab::UPLOAD);
        assets.put(&key, bytes);
        key
    }

    /// Store the user's model and its description; answers the model's id.
    fn upload_model(assets: &Assets, model: &Path, config: Option<&Path>) -> Result<String> {
        let id = upload(assets, read(model)?);
        let description = match config {
            Some(path) => read(path)?,
            None => {
                let inspection = shiftlab::inspect::inspect(&assets.bytes(&id)?, None)?;
                let suggested = shiftlab::inspect::default_description(&inspection)?;
                eprintln!(
                    "no --config: using the description inspection suggests (its input, ImageNet normalisation for colour, output \"{}\" as {})",
                    suggested.output.name, suggested.output.kind
                );
                serde_json::to_vec(&suggested).map_err(|e| err!("{e}"))?
            }
        };
        assets.put(&lab::description_key(&id), description);
        Ok(id)
    }

    fn remeasure(ids: &[String]) -> Result<()> {
        let lib = shiftlab::library::Library::of_this_crate()?;
        let mut out = serde_json::Map::new();
        for id in ids {
            let entry = lib.manifest.run(id)?;
            let onnx = lib.read(&format!("models/{}", entry.file))?;
            let measured = shiftlab::evaluation::remeasure(&entry, &onnx, &lib.models_dir())?;
            let metrics = measured
                .into_iter()
                .map(|m| (m.metric, Value::from(m.value)))
                .collect();
            out.insert(id.clone(), Value::Object(metrics));
        }
        println!("{}", Value::Object(out));
        Ok(())
    }

    fn experiment(name: &str, options: &str, uploads: &Uploads) -> Result<()> {
        let options =
            serde_json::from_str(options).map_err(|e| err!("options are not JSON: {e}"))?;
        let assets = Assets::open(root())?;
        if let Some(model) = &uploads.model {
            upload_model(&assets, model, uploads.config.as_deref())?;
        }
        for image in &uploads.images {
            upload(&assets, read(image)?);
        }
        println!("{}", run_loaded(&assets, name, options)?);
        Ok(())
    }

    /// `lab::run_on` with progress on a terminal.
    fn run_loaded(assets: &Assets, name: &str, request: Value) -> Result<Value> {
        let terminal = std::io::stderr().is_terminal();
        lab::run_on(root(), assets, name, request, |done, total| {
            if terminal {
                eprint!("\r{done}/{total} steps");
                if done == total {
                    eprintln!();
                }
            }
        })
    }

    fn audit(args: &AuditArgs) -> Result<()> {
        let assets = Assets::open(root())?;
        let path = Path::new(&args.model);
        let id = if path.is_file() {
            upload_model(&assets, path, args.config.as_deref())?
        } else {
            assets.entry(&args.model)?.id
        };
        let channels = assets.entry(&id)?.inputs[0].spec.shape[0];
        let images = match &args.images {
            Some(dir) => image_files(dir)?
                .into_iter()
                .map(|f| Ok(upload(&assets, read(&f)?)))
                .collect::<Result<Vec<_>>>()?,
            None if channels == 1 => (0..10)
                .map(|k| format!("models/samples/digit-{k}.png"))
                .collect(),
            None => shiftlab::labs::audit::READOUT_PHOTOS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        let request = serde_json::json!({
            "model": id, "images": images, "mode": args.mode,
            "range": args.range, "pairs": args.pairs, "seed": args.seed, "crops": args.crops,
        });
        let report = run_loaded(&assets, "audit", request)?;
        print!("{}", shiftlab::labs::audit::as_text(&report));
        if let Some(out) = &args.json {
            std::fs::write(out, serde_json::to_string_pretty(&report).expect("JSON"))
                .map_err(|e| err!("cannot write {}: {e}", out.display()))?;
        }
        Ok(())
    }

    /// The PNG and JPEG files of `dir`, by name.
    fn image_files(dir: &Path) -> Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| err!("cannot read {}: {e}", dir.display()))?
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                ["png", "jpg", "jpeg"].contains(&ext.to_ascii_lowercase().as_str())
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(err!("{} holds no PNG or JPEG image", dir.display()));
        }
        Ok(files)
    }

    fn generate() -> Result<()> {
        for (path, contents) in shiftlab::lab::GENERATED {
            let path = root().join(path);
            std::fs::create_dir_all(path.parent().expect("a folder"))
                .and_then(|()| std::fs::write(&path, contents()))
                .map_err(|e| err!("cannot write {}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
        Ok(())
    }

    /// The `benchmark` lab on every chosen model (all of the manifest's by default).
    /// The models a `bench` or `profile` names: all shipped ones when it names none.
    fn bench_models(args: &Bench) -> Result<Vec<String>> {
        if !args.models.is_empty() {
            return Ok(args.models.clone());
        }
        let assets = Assets::open(root())?;
        Ok(assets
            .manifest()
            .models
            .iter()
            .map(|m| m.id.clone())
            .collect())
    }

    /// The `benchmark` lab with every node timed, printed heaviest first.
    fn profile(args: &Bench) -> Result<()> {
        let answer = benchmark(args, true)?;
        for row in answer["models"].as_array().into_iter().flatten() {
            let mut nodes: Vec<NodeTime> = serde_json::from_value(row["nodes"].clone())
                .map_err(|e| err!("a profile row without nodes: {e}"))?;
            let total: f64 = nodes.iter().map(|n| n.ms).sum();
            nodes.sort_by(|a, b| b.ms.total_cmp(&a.ms));
            println!(
                "{}: {total:.2} ms per batch of {} in {} nodes",
                row["id"].as_str().unwrap_or("?"),
                args.batch,
                nodes.len()
            );
            for n in nodes.iter().take(12) {
                println!(
                    "  {:>8.3} ms {:>5.1} %  {:<24} {}",
                    n.ms,
                    100.0 * n.ms / total,
                    n.op,
                    n.node
                );
            }
        }
        Ok(())
    }

    fn bench(args: &Bench) -> Result<()> {
        println!("{}", benchmark(args, false)?);
        Ok(())
    }

    fn benchmark(args: &Bench, profile: bool) -> Result<Value> {
        let models = bench_models(args)?;
        let request = serde_json::json!({
            "models": models,
            "batch": args.batch,
            "repeats": args.repeats,
            "seed": args.seed,
            "profile": profile,
        });
        shiftlab::lab::run_from_disk(root(), "benchmark", request)
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
