//! The messages of the master/worker protocol and the [`Transport`] they travel on.
//!
//! The protocol does not care how a message gets from one rank to another: under
//! `mpirun` it is MPI (`mpi_world::MpiTransport`, feature `mpi`); in the tests and on
//! a machine without MPI it is [`ChannelTransport`], one thread per rank and a
//! channel per rank's inbox. The same `master` and `worker` functions run on both.

use std::fmt;
use std::sync::mpsc::{self, Receiver, Sender};

// ANCHOR: message
/// What ranks say to each other. On the wire every message is three
/// `u64` words ([`Message::to_words`]), so MPI sends it as a plain
/// array, with no serialisation library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// Master to worker: compute task `index`, whose input is `input`.
    Task { index: u64, input: u64 },
    /// Worker to master: task `index` gave `value`.
    Done { index: u64, value: u64 },
    /// Master to worker: no more tasks, return.
    Stop,
}

/// The length of a message on the wire, in `u64` words.
pub const WORDS: usize = 3;

impl Message {
    /// The message as `[kind, a, b]`.
    pub fn to_words(self) -> [u64; WORDS] {
        match self {
            Message::Task { index, input } => [0, index, input],
            Message::Done { index, value } => [1, index, value],
            Message::Stop => [2, 0, 0],
        }
    }

    /// Reads a message back; `None` for a kind no rank sends.
    pub fn from_words(words: [u64; WORDS]) -> Option<Message> {
        match words {
            [0, index, input] => Some(Message::Task { index, input }),
            [1, index, value] => Some(Message::Done { index, value }),
            [2, _, _] => Some(Message::Stop),
            _ => None,
        }
    }
}
// ANCHOR_END: message

// ANCHOR: transport
/// A rank's view of the world: who it is, how many ranks there are, send and receive.
pub trait Transport {
    /// This rank, `0..size()`.
    fn rank(&self) -> usize;
    /// How many ranks run the program.
    fn size(&self) -> usize;
    /// Sends `message` to rank `to`.
    fn send(&self, to: usize, message: Message) -> Result<(), TransportError>;
    /// Waits for the next message from any rank; returns the sender's
    /// rank and the message.
    fn receive(&self) -> Result<(usize, Message), TransportError>;
}
// ANCHOR_END: transport

/// Why a message could not be sent or received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// There is no rank `to` in a world of `size` ranks.
    NoSuchRank { to: usize, size: usize },
    /// The other side is gone (its thread ended, or every sender did).
    Disconnected,
    /// Three words arrived that are not a message.
    Garbled([u64; WORDS]),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::NoSuchRank { to, size } => {
                write!(f, "no rank {to} in a world of {size} ranks")
            }
            TransportError::Disconnected => write!(f, "the other rank is gone"),
            TransportError::Garbled(words) => write!(f, "not a message: {words:?}"),
        }
    }
}

impl std::error::Error for TransportError {}

// ANCHOR: channels
/// One rank of an in-process world: its own inbox, and a sender to
/// every other rank's inbox.
///
/// It holds no sender to its own inbox, so when every other rank has dropped its
/// transport (returned, or panicked), [`Transport::receive`] reports
/// [`TransportError::Disconnected`] instead of waiting forever.
pub struct ChannelTransport {
    rank: usize,
    inbox: Receiver<Envelope>,
    outboxes: Vec<Option<Sender<Envelope>>>,
}

/// What travels on a channel: the sender's rank and the message's words.
type Envelope = (usize, [u64; WORDS]);

/// `size` ranks connected by channels, rank `i` at index `i`.
pub fn channel_world(size: usize) -> Vec<ChannelTransport> {
    let (senders, inboxes): (Vec<_>, Vec<_>) =
        (0..size).map(|_| mpsc::channel()).unzip();
    inboxes
        .into_iter()
        .enumerate()
        .map(|(rank, inbox)| ChannelTransport {
            rank,
            inbox,
            outboxes: senders
                .iter()
                .enumerate()
                .map(|(to, sender)| (to != rank).then(|| sender.clone()))
                .collect(),
        })
        .collect()
}

impl Transport for ChannelTransport {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.outboxes.len()
    }

    fn send(&self, to: usize, message: Message) -> Result<(), TransportError> {
        let size = self.size();
        let outbox = self
            .outboxes
            .get(to)
            .ok_or(TransportError::NoSuchRank { to, size })?
            .as_ref()
            .ok_or(TransportError::NoSuchRank { to, size })?;
        outbox
            .send((self.rank, message.to_words()))
            .map_err(|_| TransportError::Disconnected)
    }

    fn receive(&self) -> Result<(usize, Message), TransportError> {
        let (from, words) = self
            .inbox
            .recv()
            .map_err(|_| TransportError::Disconnected)?;
        let message =
            Message::from_words(words).ok_or(TransportError::Garbled(words))?;
        Ok((from, message))
    }
}

/// Runs `rank_main` once per rank, each on its own thread, as `mpirun -n size` runs
/// the program once per process; returns what each rank returned, rank 0 first.
///
/// A rank that panics makes this panic too, with the rank in the message.
pub fn run_ranks<R, F>(size: usize, rank_main: F) -> Vec<R>
where
    R: Send,
    F: Fn(ChannelTransport) -> R + Sync,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = channel_world(size)
            .into_iter()
            .map(|transport| scope.spawn(|| rank_main(transport)))
            .collect();
        handles
            .into_iter()
            .enumerate()
            .map(|(rank, handle)| {
                handle
                    .join()
                    .unwrap_or_else(|_| panic!("rank {rank} panicked"))
            })
            .collect()
    })
}
// ANCHOR_END: channels

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_survives_the_wire() {
        for message in [
            Message::Task {
                index: 3,
                input: 53,
            },
            Message::Done {
                index: 7,
                value: u64::MAX,
            },
            Message::Stop,
        ] {
            assert_eq!(Message::from_words(message.to_words()), Some(message));
        }
        assert_eq!(Message::from_words([9, 0, 0]), None);
    }

    #[test]
    fn a_message_reaches_the_rank_it_is_sent_to_with_its_sender() {
        let got = run_ranks(3, |t| match t.rank() {
            0 => {
                t.send(2, Message::Stop).unwrap();
                None
            }
            2 => Some(t.receive().unwrap()),
            _ => None,
        });
        assert_eq!(got, vec![None, None, Some((0, Message::Stop))]);
    }

    #[test]
    fn sending_to_a_missing_rank_or_to_itself_is_an_error() {
        let world = channel_world(2);
        assert_eq!(
            world[0].send(5, Message::Stop),
            Err(TransportError::NoSuchRank { to: 5, size: 2 })
        );
        assert_eq!(
            world[0].send(0, Message::Stop),
            Err(TransportError::NoSuchRank { to: 0, size: 2 })
        );
    }

    #[test]
    fn receiving_when_every_other_rank_is_gone_is_an_error_not_a_hang() {
        let mut world = channel_world(3);
        let alone = world.remove(0);
        drop(world);
        assert_eq!(alone.receive(), Err(TransportError::Disconnected));
    }
}
