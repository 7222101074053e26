//! One process per request and per sleeping task. These tests fork, so they cannot
//! run on libtest's threads: `support::fork` runs each one in a single-threaded child
//! process of its own, under a time limit, and fails a test that leaves a child
//! process behind.

#[cfg(unix)]
mod unix {
    use std::sync::OnceLock;
    use std::time::Duration;

    use ch08_io_bound::clients::one_process_per_request;
    use ch08_io_bound::cost;
    use ch08_io_bound::service::{ChildService, Config};
    use ch08_io_bound::sleepers::on_processes;
    use support::case;
    use support::fork::{ProcessRendezvous, Test};

    /// Well under the runner's patience: a wrong structure fails with
    /// its own message.
    const MEET: Duration = Duration::from_secs(5);

    static SLEEPERS: OnceLock<ProcessRendezvous> = OnceLock::new();

    fn processes_per_request_all_wait_at_the_same_time() {
        // the service holds each request until 20 are inside at once
        let service =
            ChildService::start(Config::with_delay(Duration::ZERO).meeting(20, MEET))
                .expect("the service starts");
        let answers =
            one_process_per_request(service.addr(), 20).expect("20 answers");
        assert_eq!(answers, (0..20).collect::<Vec<u64>>());
        assert_eq!(service.stop().expect("the service stops"), 20);
    }

    fn a_failed_request_in_a_child_is_an_error_with_its_message() {
        let service = ChildService::start(
            Config::with_delay(Duration::ZERO).meeting(3, Duration::from_millis(100)),
        )
        .expect("the service starts");
        // two processes cannot make the three the service waits for
        let err = one_process_per_request(service.addr(), 2).unwrap_err();
        assert!(err.to_string().contains("of 3 requests"), "{err}");
        drop(service);
    }

    fn sleeping_processes_all_wait_at_the_same_time() {
        let meet = SLEEPERS.get_or_init(|| ProcessRendezvous::new(20));
        on_processes(20, |_| {
            meet.arrive(MEET).expect("20 processes waiting together")
        })
        .expect("20 children");
        assert_eq!(meet.arrived(), 20);
    }

    fn waiting_processes_report_their_private_memory() {
        let cost = cost::processes(10).expect("10 children");
        assert_eq!(cost.n, 10);
        assert!(cost.kib_per_task > 0.0, "{cost:?}");
    }

    // ANCHOR: unbounded
    fn unbounded_concurrency_runs_out_of_file_descriptors() {
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        // the service holds every request until 200 are inside: each
        // client keeps its socket
        let service = ChildService::start(
            Config::with_delay(Duration::ZERO).meeting(200, MEET),
        )
        .expect("the service starts");
        // this test's process (a child of the runner) may open 64
        // files, sockets included
        let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
        setrlimit(Resource::RLIMIT_NOFILE, 64, hard).expect("setrlimit");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let result = runtime
            .block_on(ch08_io_bound::clients::tokio_tasks(service.addr(), 200));
        let err =
            result.expect_err("200 sockets at once cannot fit in 64 descriptors");
        assert_eq!(err.raw_os_error(), Some(nix::libc::EMFILE), "{err}");
        drop(runtime);
        drop(service);
    }
    // ANCHOR_END: unbounded

    /// Two services in child processes at once: the second child holds a copy of
    /// everything this process had open when it forked, the first service's stop
    /// pipe included. Stopping the first must not wait for the second to end.
    fn a_service_stops_while_another_one_runs() {
        let first = ChildService::start(Config::with_delay(Duration::ZERO))
            .expect("the first service starts");
        let second = ChildService::start(Config::with_delay(Duration::ZERO))
            .expect("the second service starts");
        assert_eq!(
            one_process_per_request(first.addr(), 1).expect("an answer"),
            [0]
        );
        assert_eq!(first.stop().expect("the first service stops"), 1);
        assert_eq!(second.stop().expect("the second service stops"), 0);
    }

    /// A thread the OS cannot create is an error from the client, not a panic. The
    /// address space of this test's process (a child of the runner) is capped a few
    /// thread stacks above what it maps now, so the threads past those fail to
    /// start.
    fn a_thread_that_cannot_start_is_an_error_not_a_panic() {
        use ch08_io_bound::clients::each_on_threads;
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        let status = std::fs::read_to_string("/proc/self/status").expect("status");
        let mapped_kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmSize:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .expect("VmSize");
        let (soft, hard) = getrlimit(Resource::RLIMIT_AS).expect("getrlimit");
        // room for about eight 2 MiB stacks, not for 200
        setrlimit(Resource::RLIMIT_AS, (mapped_kib + 16 * 1024) * 1024, hard)
            .expect("setrlimit");
        let result = each_on_threads(200, Ok);
        setrlimit(Resource::RLIMIT_AS, soft, hard).expect("restore RLIMIT_AS");
        let err = result.expect_err("200 stacks cannot fit in 16 MiB more");
        assert!(err.to_string().contains("did not start"), "{err}");
    }

    pub const TESTS: &[Test] = &[
        case!(a_service_stops_while_another_one_runs),
        case!(a_thread_that_cannot_start_is_an_error_not_a_panic),
        case!(unbounded_concurrency_runs_out_of_file_descriptors),
        case!(processes_per_request_all_wait_at_the_same_time),
        case!(a_failed_request_in_a_child_is_an_error_with_its_message),
        case!(sleeping_processes_all_wait_at_the_same_time),
        case!(waiting_processes_report_their_private_memory),
    ];
}

support::fork_main! {
    tests: unix::TESTS,
    elsewhere: "processes per request need fork(): no tests on this platform",
}
