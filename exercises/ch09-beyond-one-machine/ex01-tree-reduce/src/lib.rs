#![allow(unused_variables, dead_code)]
//! Chapter 09, exercise 1: partial sums over ranks, reduced along a tree.
//!
//! Every rank sums its own block of the values ([`block_sum`]); then the partial sums
//! travel to rank 0 along a binary tree ([`tree_reduce`]), as `MPI_Reduce` does
//! inside: no rank receives more than about log2(size) messages.

// ANCHOR: starter
// ANCHOR: comm
/// A rank's view of the world: point-to-point messages of one `u64`.
pub trait Comm {
    /// This rank, `0..size()`.
    fn rank(&self) -> usize;
    /// How many ranks there are.
    fn size(&self) -> usize;
    /// Sends `value` to rank `to`.
    fn send(&self, to: usize, value: u64);
    /// Waits for the next value rank `from` sent to this rank.
    fn receive_from(&self, from: usize) -> u64;
}
// ANCHOR_END: comm

// ANCHOR: block_sum
/// The wrapping sum of this rank's block of `values`: the blocks are contiguous, in
/// rank order, their lengths differ by at most one, and the first
/// `values.len() % size` ranks get the longer ones (as `MPI_Scatterv` hands them out
/// in chapter 09).
pub fn block_sum(values: &[u64], rank: usize, size: usize) -> u64 {
    // TODO: where does this rank's block start, and how long is it?
    // Then sum it, wrapping.
    todo!(
        "the wrapping sum of rank {rank}'s block of {} values",
        values.len()
    )
}
// ANCHOR_END: block_sum

// ANCHOR: tree_reduce
/// Reduces every rank's `partial` to their wrapping sum on rank 0, along a binary
/// tree: in round `k` (step = 1, 2, 4, ...), a rank whose `rank % (2 * step) == step`
/// sends what it holds to `rank - step` and is done; a rank with
/// `rank % (2 * step) == 0` receives from `rank + step`, if that rank exists, and
/// adds. Returns `Some(sum)` on rank 0, `None` on every other rank.
pub fn tree_reduce<C: Comm>(comm: &C, partial: u64) -> Option<u64> {
    // TODO: rounds with step = 1, 2, 4, ... while step < size: send and stop, or
    // receive (if the partner exists) and add.
    todo!(
        "reduce {partial} from rank {} to rank 0 along a tree",
        comm.rank()
    )
}
// ANCHOR_END: tree_reduce
// ANCHOR_END: starter

/// Every rank's `main`: its block's sum, reduced to rank 0.
pub fn parallel_sum<C: Comm>(comm: &C, values: &[u64]) -> Option<u64> {
    tree_reduce(comm, block_sum(values, comm.rank(), comm.size()))
}
