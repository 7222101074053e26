//! One module per `cargo course` command: turn the parsed arguments into calls of `services`,
//! and print what happened. A command never calls another command.

pub mod assign;
pub mod bench;
pub mod build;
pub mod capture;
pub mod check;
pub mod grade;
pub mod hint;
pub mod list;
pub mod serve;
pub mod starters;
pub mod timeline;
pub mod verify;
