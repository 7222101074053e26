//! The project on disk: [`project`] finds chapters and exercises and resolves their names;
//! [`manifests`] reads a package's name, a chapter's `[package.metadata.course]` and the chapters
//! of `book/SUMMARY.md`; [`files`] lists a folder's files. The one model of both `course` and
//! `classroom`, and it depends on neither.

pub mod files;
pub mod manifests;
pub mod project;
