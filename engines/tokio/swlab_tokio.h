/* The C ABI of the Rust crate in this folder (src/lib.rs): tokio's bounded mpsc into
 * one task on a current-thread runtime, and a oneshot per command for the reply,
 * the shape of the code the single-writer pattern was first written in.
 *
 * Used by engines/single_writer/channels/tokio_channel.h (the engine's channel) and
 * bench/micro/bm_channels.cpp (the bare round trip). Everything here is compiled
 * only when CMake found Debian's cargo (SWLAB_HAVE_TOKIO, cmake/SwlabTokio.cmake).
 *
 * Requests are opaque to Rust: it carries the pointer and never reads through it.
 */
#ifndef SWLAB_TOKIO_H
#define SWLAB_TOKIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes (8-aligned) the caller provides per request for its oneshot receiver; the
 * crate checks at compile time that tokio's Receiver<()> fits. */
#define SWLAB_TOKIO_REPLY_HANDLE_BYTES 16

/* The engine's side of the loop the runtime runs (EngineSteps in
 * single_writer/engine_steps.h, behind the channel's trampolines). */
typedef struct swlab_tokio_steps {
  void* ctx;
  size_t batch; /* most requests per serve() */
  /* Applies, makes durable and publishes the replies of requests[0, n). */
  void (*serve)(void* ctx, void* const* requests, size_t n);
  /* The wait strategy after the polls-th empty poll: true = sleep (await). */
  bool (*idle)(void* ctx, uint32_t polls);
  /* Stopping and nothing in flight: the loop must return. */
  bool (*stopped)(void* ctx);
} swlab_tokio_steps;

typedef struct swlab_tokio_channel swlab_tokio_channel;

/* lane_capacity: the normal lane's bound; priority_capacity: 0 for no priority lane.
 * blocking: clients send with blocking_send (overload=block), else try_send. */
swlab_tokio_channel* swlab_tokio_channel_new(size_t lane_capacity, size_t priority_capacity, bool blocking);
void swlab_tokio_channel_free(swlab_tokio_channel* ch);

/* Client side: makes the command's oneshot, writes its receiver into handle, and
 * sends (request, sender) on the lane. */
void swlab_tokio_push(const swlab_tokio_channel* ch, void* request, bool priority, void* handle);
/* Client side: blocking_recv on the receiver in handle (consumes it). */
void swlab_tokio_wait(void* handle);
/* Drops the receiver in handle without waiting. */
void swlab_tokio_release(void* handle);

/* Engine thread: builds a current-thread runtime and runs the engine task on it
 * until steps->stopped() says so. Once per channel. */
void swlab_tokio_drive(swlab_tokio_channel* ch, const swlab_tokio_steps* steps);
/* From shutdown(), after the stop bit is set: a stop message, so that an idle
 * task wakes and re-checks stopped(). */
void swlab_tokio_wake(const swlab_tokio_channel* ch);

/* --- the bare round trip, without an engine (bm_channels.cpp) --------------------- */
typedef struct swlab_tokio_echo swlab_tokio_echo;
/* spin = false: the seed (blocking_send, the task awaits recv(), blocking_recv);
 * spin = true: the same structures, no parking (try_send, the task polls try_recv,
 * the caller polls the oneshot's try_recv). */
swlab_tokio_echo* swlab_tokio_echo_new(bool spin);
/* Runs the echo task on a current-thread runtime until swlab_tokio_echo_close(). */
void swlab_tokio_echo_serve(swlab_tokio_echo* e);
/* One round trip: a oneshot, a send, the reply. */
void swlab_tokio_echo_call(const swlab_tokio_echo* e);
void swlab_tokio_echo_close(swlab_tokio_echo* e);
void swlab_tokio_echo_free(swlab_tokio_echo* e);
/* A oneshot made, sent and received on one thread: its allocation and atomics alone. */
void swlab_tokio_oneshot_local(void);

#ifdef __cplusplus
}
#endif

#endif /* SWLAB_TOKIO_H */
