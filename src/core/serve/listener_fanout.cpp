#include "serve/listener_fanout.hpp"

#include "audio/sse_format.hpp"
#include "base/thread_name.hpp"
#include "base/wall_clock.hpp"

#include <algorithm>
#include <array>
#include <deque>

namespace sse_audio {

namespace {

using Clock = std::chrono::steady_clock;

// Longest the fan-out sleeps when nothing happens: heartbeats and timeouts are checked at least this often.
constexpr int kTickMs = 100;
// Events taken from the hub per read: a resuming listener catches up in a few sends, not one per event.
constexpr size_t kEventsPerRead = 16;
// A listener has nothing to say after its request; one that keeps talking is not a player.
constexpr size_t kMaxUnsolicitedBytes = size_t{64} * 1024;
// Kernel send buffer per listener: seconds of audio at any bitrate we offer, and a bound on what a thousand
// stalled listeners can pin in the kernel (auto-tuning would let each grow to megabytes). Our own ring holds more.
constexpr int kListenerSendBuffer = 64 * 1024;
// Where listener sockets are moved to, leaving lower descriptors for cpp-httplib (which refuses >= FD_SETSIZE).
constexpr int kListenerDescriptorFloor = 1024;

} // namespace

// One piece of a listener's output: a shared event (encoded once for everyone) or text of its own.
struct OutChunk {
	HubEventPtr event;
	std::string text;
	[[nodiscard]] std::string_view bytes(ListenerKind kind) const
	{
		if (!event)
			return text;
		if (kind == ListenerKind::Sse)
			return event->sse;
		return {reinterpret_cast<const char *>(event->mp3.data()), event->mp3.size()};
	}
};

struct ListenerFanout::Listener {
	NewListener info;
	std::deque<OutChunk> out;
	size_t offset = 0;           // bytes of out.front() already sent
	bool blocked = false;        // the socket took less than we had; wait for it to be writable
	bool timed = false;          // a timing block went out before an audio event on this connection
	bool finishing = false;      // the hub closed: send what is queued, then close
	bool gone = false;           // ended; removed at the end of the loop pass
	bool writable = false;       // the watch reported room in its send buffer since the last pass
	bool watching_write = false; // want_writable() was last told `true`
	size_t unsolicited = 0;      // bytes the listener sent after its request
	Clock::time_point last_progress;
};

std::unique_ptr<ListenerFanout> ListenerFanout::start(std::shared_ptr<StreamHub> hub, FanoutConfig config)
{
	std::unique_ptr<ListenerFanout> fanout(new ListenerFanout(std::move(hub), config));
	fanout->thread_ = std::thread([raw = fanout.get()] {
		set_current_thread_name("sse-fanout");
		raw->run();
	});
	fanout->hub_watcher_ = std::thread([raw = fanout.get()] {
		set_current_thread_name("sse-hub-watch");
		raw->watch_hub();
	});
	return fanout;
}

ListenerFanout::ListenerFanout(std::shared_ptr<StreamHub> hub, FanoutConfig config)
	: hub_(std::move(hub)),
	  config_(config),
	  heartbeat_(format_sse_comment("heartbeat")),
	  stopped_(format_sse_text_event("stopped", "{}") + format_sse_comment("stream stopped"))
{
}

ListenerFanout::~ListenerFanout()
{
	stop();
}

void ListenerFanout::add(NewListener listener)
{
	if (stopping_) {
		net::close_socket(listener.sock);
		if (listener.on_end)
			listener.on_end();
		return;
	}
	inbox_.push(std::move(listener));
	wake();
}

void ListenerFanout::stop()
{
	stopping_ = true;
	wake();
	if (thread_.joinable())
		thread_.join();
	if (hub_watcher_.joinable())
		hub_watcher_.join();
	// Listeners added while the thread was finishing: nobody will serve them.
	for (auto &listener : inbox_.take()) {
		net::close_socket(listener.sock);
		if (listener.on_end)
			listener.on_end();
	}
}

FanoutStats ListenerFanout::stats() const
{
	FanoutStats s;
	s.sse_now = sse_now_.load(std::memory_order_relaxed);
	s.mp3_now = mp3_now_.load(std::memory_order_relaxed);
	s.left = left_.load(std::memory_order_relaxed);
	s.timed_out = timed_out_.load(std::memory_order_relaxed);
	s.bytes_sent = bytes_sent_.load(std::memory_order_relaxed);
	s.events_sent = events_sent_.load(std::memory_order_relaxed);
	s.writes = writes_.load(std::memory_order_relaxed);
	s.writes_per_second = writes_per_second_.load(std::memory_order_relaxed);
	return s;
}

void ListenerFanout::wake()
{
	watch_.wake();
}

// The hub has no callbacks (publishing must stay cheap for the encoder thread), so a small thread waits on it
// and wakes the fan-out when events arrive or the hub closes.
void ListenerFanout::watch_hub()
{
	uint64_t next_id = hub_->start(std::nullopt).next_id;
	while (!stopping_) {
		const HubRead read = hub_->read(next_id, std::chrono::milliseconds(kTickMs), 256);
		if (read.outcome == HubRead::Outcome::Timeout)
			continue;
		wake();
		if (read.outcome == HubRead::Outcome::Closed)
			break;
	}
}

void ListenerFanout::adopt_new_listeners(std::vector<std::unique_ptr<Listener>> &listeners)
{
	const auto now = Clock::now();
	for (auto &info : inbox_.take()) {
		auto listener = std::make_unique<Listener>();
		info.sock = net::move_above(info.sock, kListenerDescriptorFloor);
		net::set_non_blocking(info.sock);
		net::set_send_buffer(info.sock, kListenerSendBuffer);
		listener->out.push_back(OutChunk{nullptr, std::move(info.preamble)});
		listener->info = std::move(info);
		listener->last_progress = now;
		if (!watch_.watch(listener->info.sock, listener.get())) {
			// The system would not watch one more socket (out of memory): the listener cannot be served.
			net::close_socket(listener->info.sock);
			if (listener->info.on_end)
				listener->info.on_end();
			continue;
		}
		(listener->info.kind == ListenerKind::Sse ? sse_now_ : mp3_now_).fetch_add(1, std::memory_order_relaxed);
		listeners.push_back(std::move(listener));
	}
}

void ListenerFanout::fill(Listener &listener)
{
	// Most calls find nothing new: asking the hub only when it holds something for this listener keeps its lock
	// (and the empty read's bookkeeping) off the path that runs once per listener per wake-up.
	if (listener.finishing || (!hub_closed_ && listener.info.next_id > hub_newest_))
		return;
	const HubRead read = hub_->read(listener.info.next_id, std::chrono::milliseconds(0), kEventsPerRead);
	if (read.outcome == HubRead::Outcome::Closed) {
		// The output stopped: the player says so instead of reporting a network failure.
		if (listener.info.kind == ListenerKind::Sse)
			listener.out.push_back(OutChunk{nullptr, stopped_});
		listener.finishing = true;
		return;
	}
	if (read.outcome != HubRead::Outcome::Events)
		return;
	// A listener moved to the live edge lost the thread of capture times: it gets a timing block again.
	if (read.skipped_forward)
		listener.timed = false;
	for (const auto &event : read.events) {
		// The shared timing blocks come once a second; a new listener gets one before its first audio event so
		// that the player can show its delay at once.
		if (listener.info.kind == ListenerKind::Sse && !listener.timed && !event->timed)
			listener.out.push_back(
				OutChunk{nullptr, format_sse_timing_event(event->capture_ms, wall_clock_ms())});
		listener.timed = true;
		listener.out.push_back(OutChunk{event, {}});
	}
}

bool ListenerFanout::pump(Listener &listener, Clock::time_point now)
{
	const ListenerKind kind = listener.info.kind;
	while (true) {
		if (listener.out.empty())
			fill(listener);
		if (listener.out.empty())
			break;
		std::array<std::string_view, 16> parts{};
		size_t count = 0;
		size_t offered = 0;
		for (const auto &chunk : listener.out) {
			if (count == parts.size())
				break;
			parts[count] = chunk.bytes(kind);
			if (count == 0)
				parts[0].remove_prefix(listener.offset);
			offered += parts[count++].size();
		}
		const net::IoResult sent = net::send_now(listener.info.sock, std::span(parts.data(), count));
		writes_.fetch_add(1, std::memory_order_relaxed);
		if (sent.closed) {
			end(listener, EndReason::Left);
			return false;
		}
		if (sent.bytes > 0) {
			listener.last_progress = now;
			bytes_sent_.fetch_add(sent.bytes, std::memory_order_relaxed);
		}
		size_t consumed = sent.bytes + listener.offset;
		int64_t wall_now = 0;
		while (!listener.out.empty() && consumed >= listener.out.front().bytes(kind).size()) {
			consumed -= listener.out.front().bytes(kind).size();
			if (const HubEventPtr &event = listener.out.front().event) {
				if (wall_now == 0)
					wall_now = wall_clock_ms();
				events_sent_.fetch_add(1, std::memory_order_relaxed);
				send_delay_ms_.record(
					static_cast<uint64_t>(std::max<int64_t>(wall_now - event->capture_ms, 0)));
			}
			listener.out.pop_front();
		}
		listener.offset = consumed;
		// The socket took less than it was offered: its buffer is full. Wait until poll says it has room.
		listener.blocked = sent.would_block || sent.bytes < offered;
		if (listener.blocked)
			break;
	}
	if (listener.finishing && listener.out.empty()) {
		end(listener, EndReason::Finished);
		return false;
	}
	return true;
}

bool ListenerFanout::drain_input(Listener &listener)
{
	std::array<char, 4096> scratch{};
	for (int i = 0; i < 16; i++) {
		const net::IoResult got = net::receive_now(listener.info.sock, scratch);
		if (got.closed) {
			end(listener, EndReason::Left);
			return false;
		}
		if (got.would_block)
			return true;
		listener.unsolicited += got.bytes;
		if (listener.unsolicited > kMaxUnsolicitedBytes) {
			end(listener, EndReason::Left);
			return false;
		}
	}
	return true;
}

void ListenerFanout::end(Listener &listener, EndReason reason)
{
	if (listener.gone)
		return;
	listener.gone = true;
	watch_.forget(listener.info.sock);
	net::close_socket(listener.info.sock);
	(listener.info.kind == ListenerKind::Sse ? sse_now_ : mp3_now_).fetch_sub(1, std::memory_order_relaxed);
	if (reason == EndReason::Left)
		left_.fetch_add(1, std::memory_order_relaxed);
	else if (reason == EndReason::TimedOut)
		timed_out_.fetch_add(1, std::memory_order_relaxed);
	if (listener.info.on_end)
		listener.info.on_end();
}

// On stop: the stopped event where the socket takes it at once (after whatever is queued), then close.
void ListenerFanout::farewell(Listener &listener)
{
	if (listener.info.kind == ListenerKind::Sse && !listener.finishing) {
		listener.out.push_back(OutChunk{nullptr, stopped_});
		listener.finishing = true;
	}
	pump(listener, Clock::now());
	end(listener, EndReason::Finished);
}

// Writes per second over about the last second, for /status.json (fan-out thread).
void ListenerFanout::count_writes(Clock::time_point now)
{
	const auto elapsed = now - writes_mark_;
	if (elapsed < std::chrono::seconds(1))
		return;
	const uint64_t writes = writes_.load(std::memory_order_relaxed);
	const double seconds = std::chrono::duration<double>(elapsed).count();
	if (writes_mark_ != Clock::time_point{})
		writes_per_second_.store(static_cast<double>(writes - writes_at_mark_) / seconds,
					 std::memory_order_relaxed);
	writes_at_mark_ = writes;
	writes_mark_ = now;
}

void ListenerFanout::run()
{
	std::vector<std::unique_ptr<Listener>> listeners;
	while (!stopping_) {
		adopt_new_listeners(listeners);
		const std::vector<net::SocketEvent> &events = watch_.wait(kTickMs);
		const auto now = Clock::now();
		hub_newest_ = hub_->newest_id();
		hub_closed_ = hub_->closed();
		// The watch reports only the sockets with news; the keys are the listeners, alive until the erase below.
		for (const net::SocketEvent &event : events) {
			auto *listener = static_cast<Listener *>(event.key);
			if (listener->gone)
				continue;
			if (event.error) {
				end(*listener, EndReason::Left);
				continue;
			}
			if (event.readable && !drain_input(*listener))
				continue;
			listener->writable = listener->writable || event.writable;
		}
		for (const auto &held : listeners) {
			Listener &listener = *held;
			if (listener.gone)
				continue;
			// A blocked socket is tried again only when it said it can take more.
			if (!listener.blocked || listener.writable) {
				listener.writable = false;
				if (!pump(listener, now))
					continue;
			}
			if (listener.blocked != listener.watching_write) {
				watch_.want_writable(listener.info.sock, listener.blocked);
				listener.watching_write = listener.blocked;
			}
			const auto idle = now - listener.last_progress;
			if (listener.blocked) {
				if (idle >= config_.timeout)
					end(listener, EndReason::TimedOut);
			} else if (listener.info.kind == ListenerKind::Sse && listener.out.empty() &&
				   idle >= config_.heartbeat) {
				listener.out.push_back(OutChunk{nullptr, heartbeat_});
				pump(listener, now);
			}
		}
		std::erase_if(listeners, [](const auto &listener) { return listener->gone; });
		const auto done = Clock::now();
		wake_to_done_us_.record(static_cast<uint64_t>(
			std::chrono::duration_cast<std::chrono::microseconds>(done - now).count()));
		count_writes(done);
	}
	hub_newest_ = hub_->newest_id();
	for (auto &listener : listeners)
		farewell(*listener);
}

} // namespace sse_audio
