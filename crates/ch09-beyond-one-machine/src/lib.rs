//! Chapter 09, *Beyond one machine*: the same work across machines with MPI.
//!
//! One program runs as N *ranks* (`mpirun -n N`), possibly on several machines, and
//! the ranks cooperate only by messages.
//!
//! * [`transport`]: the protocol's [`Message`](transport::Message)s and the
//!   [`Transport`](transport::Transport) trait, with an in-process implementation
//!   (one thread per rank, channels) so the logic is tested without MPI.
//! * [`decompose`]: static decomposition, one block per rank (`MPI_Scatterv`), read
//!   against chapter 01's ideal.
//! * [`master_worker`]: dynamic decomposition, rank 0 hands out tasks
//!   as ranks become free.
//! * [`model`]: what a message costs and when adding ranks pays (Amdahl with
//!   communication).
//! * [`report`]: the median and spread the examples print.
//! * `mpi_world` (feature `mpi`): the same over Open MPI, collectives, ping-pong.

pub mod decompose;
pub mod master_worker;
pub mod model;
pub mod rank_program;
pub mod report;
pub mod transport;

#[cfg(feature = "mpi")]
pub mod mpi_world;
