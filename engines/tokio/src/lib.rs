//! `channel=tokio`: the seed's stack behind a C ABI (swlab_tokio.h).
//!
//! The single-writer pattern was first written down with tokio: clients send each
//! command with a fresh `oneshot::Sender` into a bounded `mpsc::channel(1024)`, one
//! task owns the state and runs `while let Some(cmd) = rx.recv().await`, and answers
//! through the command's oneshot. This crate is that code with swlab's order book
//! inside: the task calls back into the C++ engine (`serve`), the same apply,
//! sequencing and journal step every other channel's batches go through, then sends
//! each command's oneshot.
//!
//! Requests are opaque here: the crate carries the pointer and never reads through
//! it. Rust is not instrumented by ThreadSanitizer, which therefore cannot check
//! this crate's synchronisation: the tsan build leaves the channel out
//! (cmake/SwlabTokio.cmake, single_writer/channels/tokio_channel.h).

use std::ffi::c_void;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use tokio::sync::mpsc::error::{TryRecvError, TrySendError};
use tokio::sync::{mpsc, oneshot};

/// Bytes the C++ side reserves per request for the oneshot receiver
/// (SWLAB_TOKIO_REPLY_HANDLE_BYTES in swlab_tokio.h).
#[allow(dead_code)] // read by the compile-time check below
const REPLY_HANDLE_BYTES: usize = 16;
const _: () = assert!(
    std::mem::size_of::<oneshot::Receiver<()>>() <= REPLY_HANDLE_BYTES
        && std::mem::align_of::<oneshot::Receiver<()>>() <= 8,
    "tokio's oneshot::Receiver<()> no longer fits SWLAB_TOKIO_REPLY_HANDLE_BYTES"
);

/// Spins with PAUSE, yielding every 4096 polls so that a 2-core machine with other
/// work still progresses (bm_channels.cpp's pop_one does the same).
fn relax(polls: &mut u32) {
    *polls = polls.wrapping_add(1);
    if *polls % 4096 == 0 {
        std::thread::yield_now();
    } else {
        std::hint::spin_loop();
    }
}

/// A request pointer, carried and never dereferenced.
#[repr(transparent)]
#[derive(Clone, Copy)]
struct RequestPtr(*mut c_void);
// The pointer is handed from a client thread to the engine thread, which is the
// only one that reads the request until it completes it (the engine's contract).
unsafe impl Send for RequestPtr {}

/// What travels on a lane: a command and its reply sender, or the stop doorbell.
enum Msg {
    Command(RequestPtr, oneshot::Sender<()>),
    Stop,
}

#[repr(C)]
pub struct Steps {
    ctx: *mut c_void,
    batch: usize,
    serve: extern "C" fn(*mut c_void, *const *mut c_void, usize),
    idle: extern "C" fn(*mut c_void, u32) -> bool,
    stopped: extern "C" fn(*mut c_void) -> bool,
}

/// The engine's steps, moved into the engine task (which tokio wants `Send`): they
/// are only ever called from the engine thread that runs the runtime.
struct EngineSteps(Steps);
unsafe impl Send for EngineSteps {}
unsafe impl Sync for EngineSteps {}

impl EngineSteps {
    fn serve(&self, requests: &[RequestPtr]) {
        // RequestPtr is repr(transparent): the slice is an array of void*.
        (self.0.serve)(self.0.ctx, requests.as_ptr() as *const *mut c_void, requests.len())
    }
    fn idle(&self, polls: u32) -> bool {
        (self.0.idle)(self.0.ctx, polls)
    }
    fn stopped(&self) -> bool {
        (self.0.stopped)(self.0.ctx)
    }
}

pub struct Channel {
    normal: mpsc::Sender<Msg>,
    priority: Option<mpsc::Sender<Msg>>,
    blocking: bool,
    // Taken once by swlab_tokio_drive.
    receivers: Mutex<Option<Lanes>>,
}

struct Lanes {
    normal: mpsc::Receiver<Msg>,
    priority: Option<mpsc::Receiver<Msg>>,
}

fn fatal(what: &str) -> ! {
    // panic = "abort": the message, then abort; nothing unwinds into C++.
    panic!("swlab tokio channel: {}", what)
}

#[no_mangle]
pub extern "C" fn swlab_tokio_channel_new(lane_capacity: usize, priority_capacity: usize, blocking: bool) -> *mut Channel {
    let (normal, normal_rx) = mpsc::channel(lane_capacity.max(1));
    let (priority, priority_rx) = if priority_capacity > 0 {
        let (tx, rx) = mpsc::channel(priority_capacity);
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    Box::into_raw(Box::new(Channel {
        normal,
        priority,
        blocking,
        receivers: Mutex::new(Some(Lanes { normal: normal_rx, priority: priority_rx })),
    }))
}

/// # Safety
/// `ch` came from swlab_tokio_channel_new, and no other call on it runs or follows.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_channel_free(ch: *mut Channel) {
    if !ch.is_null() {
        drop(Box::from_raw(ch));
    }
}

/// # Safety
/// `ch` is live; `handle` points to SWLAB_TOKIO_REPLY_HANDLE_BYTES writable bytes,
/// 8-aligned, that hold no receiver (the previous one was waited for or released).
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_push(ch: *const Channel, request: *mut c_void, priority: bool, handle: *mut c_void) {
    let ch = &*ch;
    // The seed's per-command allocation: the oneshot's shared state (an Arc).
    let (tx, rx) = oneshot::channel::<()>();
    std::ptr::write(handle as *mut oneshot::Receiver<()>, rx);
    let lane = if priority {
        ch.priority.as_ref().unwrap_or_else(|| fatal("a priority push without a priority lane"))
    } else {
        &ch.normal
    };
    let msg = Msg::Command(RequestPtr(request), tx);
    // The engine's admission word has already decided there is room (the lanes are
    // sized to its bound), so blocking_send never waits and try_send never finds
    // the lane full; the two are the seed's calls for the two kinds of policy.
    if ch.blocking {
        if lane.blocking_send(msg).is_err() {
            fatal("the engine task is gone");
        }
    } else {
        match lane.try_send(msg) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => fatal("lane full: the engine admitted more than the lane holds"),
            Err(TrySendError::Closed(_)) => fatal("the engine task is gone"),
        }
    }
}

/// # Safety
/// `handle` holds a receiver written by swlab_tokio_push (this consumes it).
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_wait(handle: *mut c_void) {
    let rx = std::ptr::read(handle as *mut oneshot::Receiver<()>);
    // Err: the sender was dropped unsent, which only a runtime torn down with the
    // command still queued does; the engine answers every admitted command first.
    let _ = rx.blocking_recv();
}

/// # Safety
/// As swlab_tokio_wait.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_release(handle: *mut c_void) {
    drop(std::ptr::read(handle as *mut oneshot::Receiver<()>));
}

/// # Safety
/// `ch` is live and outlives the call.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_wake(ch: *const Channel) {
    // Called from shutdown() on a thread that is no runtime's: blocking_send is
    // allowed there. The normal lane has a slot reserved for this message.
    let _ = (*ch).normal.blocking_send(Msg::Stop);
}

impl Lanes {
    /// The next message, priority lane first; awaits when both are empty. This is
    /// tokio::select! { biased; .. } written out (the crate builds without macros).
    fn recv(&mut self) -> Recv<'_> {
        Recv { lanes: self }
    }

    /// Takes what is queued, priority lane first, without awaiting.
    fn try_recv(&mut self) -> Option<Msg> {
        if let Some(p) = self.priority.as_mut() {
            if let Ok(m) = p.try_recv() {
                return Some(m);
            }
        }
        match self.normal.try_recv() {
            Ok(m) => Some(m),
            Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => None,
        }
    }
}

struct Recv<'a> {
    lanes: &'a mut Lanes,
}

impl Future for Recv<'_> {
    type Output = Option<Msg>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Msg>> {
        let lanes = &mut *self.get_mut().lanes;
        if let Some(p) = lanes.priority.as_mut() {
            if let Poll::Ready(Some(m)) = p.poll_recv(cx) {
                return Poll::Ready(Some(m));
            }
        }
        lanes.normal.poll_recv(cx)
    }
}

/// Adds a command to the batch; true for the stop doorbell.
fn take(m: Msg, requests: &mut Vec<RequestPtr>, replies: &mut Vec<oneshot::Sender<()>>) -> bool {
    match m {
        Msg::Command(r, tx) => {
            requests.push(r);
            replies.push(tx);
            false
        }
        Msg::Stop => true,
    }
}

/// The engine task: the seed's loop, with the engine's batching and wait strategy.
async fn engine_task(mut lanes: Lanes, steps: EngineSteps) {
    let limit = steps.0.batch.max(1);
    let mut requests: Vec<RequestPtr> = Vec::with_capacity(limit);
    let mut replies: Vec<oneshot::Sender<()>> = Vec::with_capacity(limit);
    let mut stopping = false;
    // Sleep in the runtime until a command arrives: recv().await parks the thread.
    while let Some(first) = lanes.recv().await {
        stopping |= take(first, &mut requests, &mut replies);
        let mut polls = 0u32;
        loop {
            while requests.len() < limit {
                match lanes.try_recv() {
                    Some(m) => stopping |= take(m, &mut requests, &mut replies),
                    None => break,
                }
            }
            if !requests.is_empty() {
                steps.serve(&requests);
                requests.clear();
                // The answer, through each command's oneshot. The engine has
                // published the reply word already, so a caller that polls it
                // instead of waiting here may be gone: a dropped receiver is fine.
                for tx in replies.drain(..) {
                    let _ = tx.send(());
                }
                polls = 0;
            } else {
                polls = polls.saturating_add(1);
            }
            if steps.stopped() {
                return;
            }
            // Empty: the engine's wait strategy says whether to poll again or to
            // go back to awaiting. Once the stop doorbell has rung, never sleep:
            // requests admitted before the stop may still be on their way.
            if polls > 0 && !stopping && steps.idle(polls) {
                break;
            }
        }
    }
}

/// # Safety
/// `ch` is live and outlives the call; `steps` and what it points to stay valid
/// until the call returns; called once per channel.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_drive(ch: *mut Channel, steps: *const Steps) {
    let lanes = (*ch)
        .receivers
        .lock()
        .unwrap_or_else(|_| fatal("receivers poisoned"))
        .take()
        .unwrap_or_else(|| fatal("the engine loop was started twice"));
    let steps = EngineSteps(std::ptr::read(steps));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|_| fatal("cannot build the current-thread runtime"));
    // One spawned task, as the seed's #[tokio::main] + tokio::spawn: its wake-ups go
    // through the scheduler's queue, which is part of what is measured.
    let task = rt.spawn(engine_task(lanes, steps));
    if rt.block_on(task).is_err() {
        fatal("the engine task failed");
    }
}

// --- the bare round trip ------------------------------------------------------------

pub struct Echo {
    tx: mpsc::Sender<Option<oneshot::Sender<()>>>,
    rx: Mutex<Option<mpsc::Receiver<Option<oneshot::Sender<()>>>>>,
    spin: bool,
}

#[no_mangle]
pub extern "C" fn swlab_tokio_echo_new(spin: bool) -> *mut Echo {
    let (tx, rx) = mpsc::channel(1024);
    Box::into_raw(Box::new(Echo { tx, rx: Mutex::new(Some(rx)), spin }))
}

/// # Safety
/// `e` is live and outlives the call; called once.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_echo_serve(e: *mut Echo) {
    let e = &*e;
    let mut rx = e.rx.lock().unwrap_or_else(|_| fatal("poisoned")).take().unwrap_or_else(|| fatal("served twice"));
    let spin = e.spin;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|_| fatal("cannot build the current-thread runtime"));
    let task = rt.spawn(async move {
        if spin {
            let mut polls = 0u32;
            loop {
                match rx.try_recv() {
                    Ok(Some(reply)) => {
                        let _ = reply.send(());
                    }
                    Ok(None) | Err(TryRecvError::Disconnected) => return,
                    Err(TryRecvError::Empty) => relax(&mut polls),
                }
            }
        } else {
            // The seed's engine task, with nothing inside.
            while let Some(Some(reply)) = rx.recv().await {
                let _ = reply.send(());
            }
        }
    });
    let _ = rt.block_on(task);
}

/// # Safety
/// `e` is live and being served.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_echo_call(e: *const Echo) {
    let e = &*e;
    let (tx, mut rx) = oneshot::channel::<()>();
    if e.spin {
        if e.tx.try_send(Some(tx)).is_err() {
            fatal("echo lane full");
        }
        let mut polls = 0u32;
        loop {
            match rx.try_recv() {
                Ok(()) => return,
                Err(oneshot::error::TryRecvError::Empty) => relax(&mut polls),
                Err(oneshot::error::TryRecvError::Closed) => fatal("echo task gone"),
            }
        }
    } else {
        if e.tx.blocking_send(Some(tx)).is_err() {
            fatal("echo task gone");
        }
        if rx.blocking_recv().is_err() {
            fatal("echo task gone");
        }
    }
}

/// # Safety
/// `e` is live.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_echo_close(e: *const Echo) {
    let _ = (*e).tx.blocking_send(None);
}

/// # Safety
/// `e` came from swlab_tokio_echo_new and is no longer served.
#[no_mangle]
pub unsafe extern "C" fn swlab_tokio_echo_free(e: *mut Echo) {
    if !e.is_null() {
        drop(Box::from_raw(e));
    }
}

#[no_mangle]
pub extern "C" fn swlab_tokio_oneshot_local() {
    let (tx, mut rx) = oneshot::channel::<()>();
    let _ = tx.send(());
    if rx.try_recv().is_err() {
        fatal("a sent oneshot was empty");
    }
}
