//! The spec of exercise 3. Replicas are held at gates the test opens, so the order in
//! which they complete is fixed by the test, not by the machine; nothing measures
//! time. A hang fails with a message naming its likely cause.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use ch06_ex03_first_success::{
    Failure, HedgeError, Server, TaskError, Ticket, first_success,
};
use support::{Gate, finishes_after_gate, within_patience};

/// How long `first_success` may take, once its answer is there, before we call it a
/// hang (well under the watchdog's patience, so the failure names the cause).
const SOON: Duration = Duration::from_secs(5);

type Answer = Result<&'static str, String>;

/// Calls `first_success` on a thread of its own and returns what it returned; fails
/// with `hang` if it has not returned within [`SOON`].
fn ask(
    replicas: &[Ticket<Answer>],
    hang: &str,
) -> Result<&'static str, HedgeError<String>> {
    let replicas = replicas.to_vec();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(first_success(&replicas));
    });
    match rx.recv_timeout(SOON) {
        Ok(answer) => answer,
        Err(RecvTimeoutError::Timeout) => panic!("{hang}"),
        Err(RecvTimeoutError::Disconnected) => {
            panic!("first_success panicked (its message is printed above)")
        }
    }
}

/// Opens its gate when dropped: a failing test releases its held tasks,
/// so the servers' `Drop` (which joins their workers) does not wait for
/// a gate nobody will open.
struct OpenOnDrop(Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// A gate, and its guard (declare it after the servers: it is dropped before them).
fn gate() -> (Arc<Gate>, OpenOnDrop) {
    let gate = Arc::new(Gate::new());
    (gate.clone(), OpenOnDrop(gate))
}

/// Submits a task that keeps `server`'s only worker busy until `gate` opens, and
/// returns once the worker has started it: what is submitted to `server` next stays
/// queued (pending).
fn keep_busy(server: &Server, gate: &Arc<Gate>) -> Ticket<()> {
    let (started, running) = mpsc::channel();
    let gate = gate.clone();
    let ticket = server.submit(move || {
        started.send(()).unwrap();
        gate.wait_or_panic();
    });
    running.recv().expect("the busy task did not start");
    ticket
}

/// Opens `gate` once `ticket` is done, from a thread of its own: orders completions.
fn open_after<R: Clone + Send + 'static>(ticket: &Ticket<R>, gate: &Arc<Gate>) {
    let (ticket, gate) = (ticket.clone(), gate.clone());
    thread::spawn(move || {
        let _ = ticket.result();
        gate.open();
    });
}

#[test]
fn the_first_success_to_complete_wins_not_the_first_asked() {
    within_patience(|| {
        let (slow, fast) = (Server::new(), Server::new());
        let (gate, _guard) = gate();
        let (started, running) = mpsc::channel();
        let held = gate.clone();
        let first_asked: Ticket<Answer> = slow.submit(move || {
            started.send(()).unwrap();
            held.wait_or_panic();
            Ok("slow")
        });
        running.recv().unwrap();
        let second_asked = fast.submit(|| Ok("fast"));

        let answer = ask(
            &[first_asked.clone(), second_asked],
            "first_success did not return although replica 1 had answered Ok (replica 0, asked \
             first, is held at a gate until first_success returns): it waits for the replicas \
             in submission order, or for all of them; walk as_completed(replicas) and return \
             at the first Ok",
        );
        assert_eq!(
            answer,
            Ok("fast"),
            "replica 1 is the only one that completed: its answer is the first success"
        );
        assert!(
            first_asked.running() && !first_asked.cancelled() && !first_asked.done(),
            "replica 0 was running when first_success returned: a running task cannot be \
             cancelled, it keeps running"
        );
        assert!(
            !first_asked.cancel(),
            "cancel() on a running task says false, as CPython's"
        );
        gate.open();
        assert_eq!(
            first_asked.result(),
            Ok(Ok("slow")),
            "replica 0 runs to its end after first_success returned; its answer stays in its \
             ticket"
        );
        assert!(!first_asked.running() && first_asked.done());
    });
}

#[test]
fn a_failure_that_completes_first_is_skipped() {
    within_patience(|| {
        let (down, up) = (Server::new(), Server::new());
        let (gate, _guard) = gate();
        let failing: Ticket<Answer> =
            down.submit(|| Err("replica 0 is down".to_string()));
        let held = gate.clone();
        let succeeding = up.submit(move || {
            held.wait_or_panic();
            Ok("late but right")
        });
        open_after(&failing, &gate); // replica 1 answers only after replica 0 failed

        let answer = ask(
            &[failing, succeeding],
            "first_success did not return although replica 1 answered Ok after replica 0 \
             failed: does it stop listening after a failure?",
        );
        assert_eq!(
            answer,
            Ok("late but right"),
            "replica 0 failed first, then replica 1 answered Ok: a failure is not the answer \
             while another replica may still succeed; skip it and wait for the next one"
        );
    });
}

#[test]
fn replicas_still_queued_are_cancelled_and_never_run() {
    within_patience(|| {
        let servers = [Server::new(), Server::new(), Server::new()];
        let (gate, _guard) = gate();
        let runs = Arc::new(AtomicUsize::new(0));
        // Replicas 0 and 2 wait in the queues of busy servers; replica
        // 1 answers at once.
        let _busy: Vec<Ticket<()>> =
            [0, 2].map(|i| keep_busy(&servers[i], &gate)).into();
        let ask_server = |i: usize| -> Ticket<Answer> {
            let runs = runs.clone();
            servers[i].submit(move || {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok(["queued 0", "answer", "queued 2"][i])
            })
        };
        let replicas = [ask_server(0), ask_server(1), ask_server(2)];

        let answer = ask(
            &replicas,
            "first_success did not return although replica 1 had answered Ok (replicas 0 and \
             2 are queued behind busy workers): it waits for the other replicas; return at \
             the first Ok",
        );
        assert_eq!(answer, Ok("answer"), "replica 1 is the one that answered");
        for i in [0, 2] {
            assert!(
                replicas[i].cancelled() && replicas[i].done(),
                "replica {i} was still queued when replica 1 answered: first_success must \
                 cancel every replica still pending (all of them, before and after the \
                 winner) before it returns"
            );
        }
        assert_eq!(
            replicas[0].result(),
            Err(TaskError::Cancelled),
            "a cancelled replica's ticket says Cancelled"
        );
        assert!(
            replicas[2].cancel(),
            "cancel() on a cancelled task says true again, as CPython's"
        );
        // Dropping the servers waits for their workers, which take the queued
        // replicas once the busy tasks are let go: a cancelled replica is skipped.
        assert!(
            finishes_after_gate(&gate, move || drop(servers)).is_ok(),
            "a Server's drop must wait for its worker (given code: leave it as it is)"
        );
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "only replica 1 may have run: the queued replicas must be cancelled before \
             first_success returns, so that they never run"
        );
    });
}

#[test]
fn when_all_fail_every_failure_is_listed_in_submission_order() {
    within_patience(|| {
        let servers = [Server::new(), Server::new(), Server::new()];
        let (gates, _guards): (Vec<_>, Vec<_>) = (0..2).map(|_| gate()).unzip();
        // They complete in the order 2, 1, 0: each waits for the one after it.
        let held = gates[0].clone();
        let zero: Ticket<Answer> = servers[0].submit(move || {
            held.wait_or_panic();
            Err("zero is down".to_string())
        });
        let held = gates[1].clone();
        let one: Ticket<Answer> = servers[1].submit(move || {
            held.wait_or_panic();
            panic!("replica 1 crashed")
        });
        let two: Ticket<Answer> =
            servers[2].submit(|| Err("two is down".to_string()));
        open_after(&two, &gates[1]);
        open_after(&one, &gates[0]);

        let answer = ask(
            &[zero, one, two],
            "first_success did not return after every replica had failed: once as_completed \
             has given every ticket, the failures are all there is",
        );
        let expected = vec![
            (0, Failure::Replica("zero is down".to_string())),
            (
                1,
                Failure::Task(TaskError::Panicked("replica 1 crashed".into())),
            ),
            (2, Failure::Replica("two is down".to_string())),
        ];
        let Err(HedgeError::AllFailed(failures)) = answer.clone() else {
            panic!(
                "every replica failed: expected Err(HedgeError::AllFailed(..)), got {answer:?}"
            )
        };
        assert_eq!(
            failures, expected,
            "every failure, each with its replica's index, in submission order (they completed \
             in the order 2, 1, 0: sort them back), a panic as Failure::Task"
        );
        assert_eq!(
            answer.unwrap_err().to_string(),
            "all 3 replicas failed; replica 0: zero is down; \
             replica 1: panicked: replica 1 crashed; replica 2: two is down"
        );
    });
}

#[test]
fn no_replicas_is_an_error_not_a_hang() {
    within_patience(|| {
        let answer = ask(
            &[],
            "first_success hangs when there is no replica to ask: check for an empty list \
             first",
        );
        assert_eq!(
            answer,
            Err(HedgeError::NoReplicas),
            "with no replica there is neither an answer nor a failure: return \
             HedgeError::NoReplicas (not AllFailed with an empty list, not a panic)"
        );
        assert_eq!(
            HedgeError::<String>::NoReplicas.to_string(),
            "no replica to ask"
        );
    });
}
