//! Copy-on-write, in memory: how much of a 256 MiB parent a forked child makes its
//! own when it does nothing, reads every page, or writes part of them. Memory, not
//! time: the numbers do not depend on the machine's load.

#[cfg(target_os = "linux")]
fn main() -> Result<(), ch03_processes::ProcessError> {
    use ch03_processes::fork_cost::{
        Pages, Resident, child_private_dirty_kib, page_size,
    };

    // ANCHOR: main
    const MIB: usize = 1 << 20;
    let mut region = Resident::new(256 * MIB, Pages::Small)?;
    println!(
        "parent: {} MiB resident in {} pages of {} KiB",
        region.len() / MIB,
        region.resident_pages(),
        page_size() / 1024
    );
    let idle = child_private_dirty_kib(|| ())?;
    println!("child that does nothing:          {:>7} KiB private", idle);
    let reads = child_private_dirty_kib(|| {
        std::hint::black_box(region.read_pages());
    })?;
    println!("child that reads all 256 MiB:     {:>7} KiB private", reads);
    for mib in [16, 64, 256] {
        let writes = child_private_dirty_kib(|| region.write_pages(mib * MIB))?;
        println!(
            "child that writes {mib:>3} MiB of it:  \
             {writes:>7} KiB private ({} KiB more)",
            writes - idle
        );
    }
    // ANCHOR_END: main
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("this example reads /proc/self/smaps_rollup, which only Linux has");
}
