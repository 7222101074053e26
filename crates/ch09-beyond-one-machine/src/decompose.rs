//! Static decomposition: before any work starts, cut the inputs into one contiguous
//! block per rank, as `MPI_Scatterv` hands them out, and read the result against
//! chapter 01's ideal.

use std::ops::Range;

use ch01_sequential::ideal::{self, IdealError};

// ANCHOR: blocks
/// The block of input indices each of `ranks` ranks gets: contiguous,
/// in rank order, lengths differing by at most one (the first ranks get
/// the extra). `None` for zero ranks.
///
/// This is `workloads::split_range` over indices: the same split
/// chapter 02 gave its threads.
pub fn blocks(len: usize, ranks: usize) -> Option<Vec<Range<usize>>> {
    let split = workloads::split_range(0..len as u64, ranks)?;
    Some(
        split
            .into_iter()
            .map(|r| r.start as usize..r.end as usize)
            .collect(),
    )
}

/// The `(counts, displacements)` pair `MPI_Scatterv` and `MPI_Gatherv`
/// take for [`blocks`].
pub fn counts_and_displs(len: usize, ranks: usize) -> Option<(Vec<i32>, Vec<i32>)> {
    let blocks = blocks(len, ranks)?;
    let as_i32 =
        |n: usize| i32::try_from(n).expect("MPI counts are i32: too many inputs");
    Some(
        blocks
            .iter()
            .map(|b| (as_i32(b.len()), as_i32(b.start)))
            .unzip(),
    )
}
// ANCHOR_END: blocks

// ANCHOR: static_makespan
/// The makespan of the static split of `tasks` (sizes, in any unit) over `ranks`
/// ranks that all compute: the busiest block. Read it against [`ideal::Ideal`]'s
/// `lower_bound` and `lpt`.
pub fn static_makespan(tasks: &[f64], ranks: usize) -> Result<f64, IdealError> {
    let blocks = blocks(tasks.len(), ranks).ok_or(IdealError::NoWorkers)?;
    let mut assignment = vec![0; tasks.len()];
    for (rank, block) in blocks.iter().enumerate() {
        for i in block.clone() {
            assignment[i] = rank;
        }
    }
    ideal::makespan(tasks, &assignment, ranks)
}

/// The makespan of master/worker over `ranks` ranks: rank 0 only hands out tasks, so
/// `ranks - 1` workers take them in order as each becomes free, chapter 01's list
/// schedule. Zero or one rank has no worker.
pub fn master_worker_makespan(
    tasks: &[f64],
    ranks: usize,
) -> Result<f64, IdealError> {
    ideal::list_makespan(tasks, ranks.saturating_sub(1))
}
// ANCHOR_END: static_makespan

// ANCHOR: uneven
/// A long, uneven task list for `cpu_bound`: 40 small tasks (`n = 2`) then 8 large
/// ones (`n = 20`), the large ones last, the worst order for contiguous blocks: they
/// all land in the last ranks' blocks.
pub fn uneven_tasks() -> Vec<u64> {
    let mut tasks = vec![2; 40];
    tasks.extend([20; 8]);
    tasks
}
// ANCHOR_END: uneven

#[cfg(test)]
mod tests {
    use super::*;
    use ch01_sequential::ideal::tutorial_tasks;

    #[test]
    fn blocks_cover_every_index_once_in_order() {
        for len in 0..12 {
            for ranks in 1..6 {
                let blocks = blocks(len, ranks).unwrap();
                assert_eq!(blocks.len(), ranks);
                let flat: Vec<usize> =
                    blocks.iter().flat_map(|b| b.clone()).collect();
                assert_eq!(flat, (0..len).collect::<Vec<_>>());
                let lens: Vec<usize> = blocks.iter().map(|b| b.len()).collect();
                assert!(lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1);
            }
        }
        assert_eq!(blocks(4, 0), None);
    }

    #[test]
    fn counts_and_displacements_match_the_blocks() {
        assert_eq!(
            counts_and_displs(4, 3),
            Some((vec![2, 1, 1], vec![0, 2, 3]))
        );
    }

    #[test]
    fn the_tutorial_split_statically_against_the_ideal() {
        let tasks = tutorial_tasks(); // [11, 23, 53, 34]
        // Two ranks: [11, 23] and [53, 34]; the second block holds 87 of 121.
        assert_eq!(static_makespan(&tasks, 2), Ok(87.0));
        assert_eq!(ideal::lpt_makespan(&tasks, 2), Ok(64.0));
        // Four ranks: one number each, the 53 alone decides.
        assert_eq!(static_makespan(&tasks, 4), Ok(53.0));
        assert_eq!(ideal::lower_bound(&tasks, 4), Ok(53.0));
    }

    #[test]
    fn the_uneven_list_defeats_static_blocks_not_master_worker() {
        let tasks: Vec<f64> = uneven_tasks().iter().map(|&n| n as f64).collect();
        assert_eq!(ideal::total(&tasks), 240.0);
        // Four ranks, blocks of 12: the last holds 4 small and all 8 large tasks.
        assert_eq!(static_makespan(&tasks, 4), Ok(168.0));
        // Master/worker on 4 ranks: 3 workers in list order: 86 (no
        // schedule beats 80).
        assert_eq!(master_worker_makespan(&tasks, 4), Ok(86.0));
        // On 3 ranks, 2 workers: 20 small tasks and 4 large ones each,
        // half the total.
        assert_eq!(master_worker_makespan(&tasks, 3), Ok(120.0));
        // Two ranks, blocks of 24: the second holds 16 small and all 8 large tasks.
        assert_eq!(static_makespan(&tasks, 2), Ok(192.0));
        assert_eq!(ideal::lower_bound(&tasks, 3), Ok(80.0));
    }

    #[test]
    fn master_worker_loses_a_rank_to_the_master() {
        let tasks = tutorial_tasks();
        // Two ranks: one worker does everything.
        assert_eq!(master_worker_makespan(&tasks, 2), Ok(121.0));
        // Three ranks: two workers, chapter 01's pool in order: 11 + 53 and 23 + 34.
        assert_eq!(master_worker_makespan(&tasks, 3), Ok(64.0));
        // ... where three static ranks, [11, 23], [53] and [34], reach 53.
        assert_eq!(static_makespan(&tasks, 3), Ok(53.0));
        // Four ranks: three workers take 11, 23 and 53; the 34 follows the 11 (45),
        // so the 53 alone decides, as on four static ranks.
        assert_eq!(master_worker_makespan(&tasks, 4), Ok(53.0));
        // Five ranks: four workers, one number each.
        assert_eq!(master_worker_makespan(&tasks, 5), Ok(53.0));
        assert_eq!(
            master_worker_makespan(&tasks, 1),
            Err(IdealError::NoWorkers)
        );
    }
}
