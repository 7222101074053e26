//! The timeline recordings kept in the book, `book/<chapter>/output/<name>.timeline.tsv`, beside
//! the chart drawn from each, `<name>.timeline.svg`, so that a change to the drawing reaches the
//! book without running anything again (`cargo course capture --report-only`).
//!
//! A kept recording is the file the run wrote (`workloads::timeline`'s format) under one first
//! line that says how the chart was drawn, tab-separated:
//!
//! ```text
//! # timeline  <cores>  <rust|cpython>  <title>
//! ```
//!
//! `workloads::timeline::read` skips that line (it is neither a `task` nor a `section`). The
//! chart's title names the cores of the machine that recorded it, wherever it is redrawn.

use crate::services::files::{stems, write_atomically};
use crate::services::timeline::render_file;
use anyhow::{Context, Result, bail, ensure};
use std::fs;
use std::path::{Path, PathBuf};

/// The kept recording of the chart `svg`: `<name>.timeline.tsv` beside `<name>.timeline.svg`.
pub fn recording_of(svg: &Path) -> PathBuf {
    svg.with_extension("tsv")
}

/// The logical cores of this machine, which records the run.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Keeps the timeline file `recorded` (written by one run, removed here) beside `svg` and draws
/// `svg` from the kept copy; returns whether it drew a chart. A run that recorded nothing, or no
/// section, leaves neither a chart nor a recording of that name: a stale pair is removed.
pub fn keep_and_draw(
    recorded: &Path,
    svg: &Path,
    title: &str,
    cpython: bool,
) -> Result<bool> {
    let kept = recording_of(svg);
    if recorded.exists() {
        let records = fs::read_to_string(recorded)
            .with_context(|| format!("reading {}", recorded.display()))?;
        fs::remove_file(recorded)
            .with_context(|| format!("removing {}", recorded.display()))?;
        let language = if cpython { "cpython" } else { "rust" };
        let title = title.replace(['\t', '\n'], " ");
        let header = format!("# timeline\t{}\t{language}\t{title}\n", cores());
        write_atomically(&kept, header + &records)?;
        if redraw(&kept, svg)? {
            return Ok(true);
        }
    }
    for stale in [&kept, svg] {
        if let Err(e) = fs::remove_file(stale)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(e).with_context(|| format!("removing {}", stale.display()));
        }
    }
    Ok(false)
}

/// Draws `svg` from the kept recording `kept`, as [`keep_and_draw`] did; returns whether the
/// recording has a section to draw.
pub fn redraw(kept: &Path, svg: &Path) -> Result<bool> {
    let text = fs::read_to_string(kept)
        .with_context(|| format!("reading {}", kept.display()))?;
    let header = text.lines().next().unwrap_or("");
    let fields: Vec<&str> = header.splitn(4, '\t').collect();
    let (cores, cpython, title) = match fields[..] {
        ["# timeline", n, language @ ("rust" | "cpython"), title] => {
            match n.parse::<usize>() {
                Ok(n) => (n, language == "cpython", title),
                Err(_) => bail!("{}: `{n}` is not a number of cores", kept.display()),
            }
        }
        _ => bail!(
            "{}: the first line is not `# timeline<TAB>cores<TAB>rust|cpython<TAB>title` \
             (written by `cargo course capture`; recapture this chapter once)",
            kept.display()
        ),
    };
    render_file(kept, svg, title, cpython, cores)
}

/// The timeline charts in `dir` (a chapter's `output/`), each with its kept recording beside it;
/// an error, naming them, if any has none.
pub fn charts(dir: &Path) -> Result<Vec<PathBuf>> {
    // `<name>.timeline.svg` or `.tsv`: the stem `<name>.timeline`, one chart each.
    let mut charts: Vec<PathBuf> = [stems(dir, "svg")?, stems(dir, "tsv")?]
        .concat()
        .into_iter()
        .filter(|stem| stem.ends_with(".timeline"))
        .map(|stem| dir.join(format!("{stem}.svg")))
        .collect();
    charts.sort();
    charts.dedup();
    let missing: Vec<&str> = (charts.iter())
        .filter(|svg| !recording_of(svg).is_file())
        .filter_map(|svg| svg.file_name()?.to_str())
        .collect();
    ensure!(
        missing.is_empty(),
        "no recording beside {} in {}: capture keeps one (<name>.timeline.tsv) with each chart \
         it draws, and these were drawn before it did; recapture this chapter once (chapter 09's \
         MPI charts: run crates/ch09-beyond-one-machine/capture-mpi.sh)",
        missing.join(", "),
        dir.display()
    );
    Ok(charts)
}
