//! The command line: `cargo course <command>`.

use crate::book;
use crate::project::{Project, default_root};
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// The course tool of "Multiprocessing in Rust": read the book, do the exercises, check the
/// project.
///
/// Readers: `cargo course serve` builds the book and serves it at http://127.0.0.1:3000/.
/// Learners: `cargo course list`, then `cargo course check ch01-ex01` until it passes,
/// `cargo course hint ch01-ex01` when stuck.
/// Authors: `cargo course build`, `cargo course verify`, `cargo course bench ch01`,
/// `cargo course capture ch01`.
///
/// Chapters can be named `ch01`, `01` or `ch01-sequential`; exercises `ch01-ex01` or by their
/// package name, `ch01-ex01-timed`.
#[derive(Debug, Parser)]
#[command(name = "cargo course", bin_name = "cargo course", version)]
pub struct Cli {
    /// The project's root folder (default: the repository this tool was built from).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the book into target/book, failing on a broken include, anchor or directive, then
    /// compile and run its inline Rust snippets with rustdoc.
    Build {
        /// Write the HTML here instead of target/book.
        #[arg(long, value_name = "DIR")]
        dest: Option<PathBuf>,
        /// Skip compiling and running the inline Rust snippets.
        #[arg(long)]
        no_test: bool,
    },
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let project = Project::new(cli.root.unwrap_or_else(default_root));
    match cli.command {
        Command::Build { dest, no_test } => {
            println!("building the book...");
            book::build_book(&project.root, dest.as_deref(), !no_test)?;
            let out = dest.unwrap_or_else(|| project.path("target/book"));
            println!("built the book into {}", out.display());
            Ok(())
        }
    }
}
