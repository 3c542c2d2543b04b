#include "relay/relay_publisher.hpp"

#include "serve/player_status.hpp"
#include "base/thread_name.hpp"
#include "base/wall_clock.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace sse_audio {

namespace {

// How long one wait on the hub lasts: bounds how late the thread notices a stop or a due status document.
constexpr auto kHubWait = std::chrono::milliseconds(200);

// A relay's refusal of a publish, with what to check where the status says it.
Error refusal(int status)
{
	const std::string code = std::to_string(status);
	if (status == 401 || status == 403)
		return {"the relay answered HTTP " + code + " (check the relay key)",
			"Failure.RelayRefusedKey",
			{code}};
	if (status == 404)
		return {"the relay answered HTTP " + code + " (check the relay URL's path)",
			"Failure.RelayRefusedPath",
			{code}};
	return {"the relay answered HTTP " + code, "Failure.RelayRefused", {code}};
}

} // namespace

Result<std::unique_ptr<RelayPublisher>> RelayPublisher::start(const RelayConfig &config, std::shared_ptr<StreamHub> hub)
{
	auto url = parse_relay_url(config.url);
	if (!url)
		return url.failure();
	if (!hub)
		return Error{"The relay has no stream to publish"};
	std::string channel_list_path;
	if (!config.channel_list_url.empty()) {
		auto list_url = parse_relay_url(config.channel_list_url);
		if (!list_url)
			return list_url.failure();
		channel_list_path = list_url->path;
	}
	std::unique_ptr<RelayPublisher> relay(new RelayPublisher(config, std::move(*url), std::move(hub)));
	relay->channel_list_path_ = std::move(channel_list_path);
	relay->thread_ = std::thread([raw = relay.get()] { raw->run(); });
	return relay;
}

RelayPublisher::RelayPublisher(const RelayConfig &config, RelayUrl url, std::shared_ptr<StreamHub> hub)
	: config_(config), url_(std::move(url)), hub_(std::move(hub))
{
	// The status document goes to a channel of its own next to the stream's: `/pub/obs` → `/pub/obs-status`.
	const size_t query = url_.path.find('?');
	status_path_ = query == std::string::npos ? url_.path + "-status"
						  : url_.path.substr(0, query) + "-status" + url_.path.substr(query);
	client_ = std::make_unique<httplib::Client>(url_.origin());
	client_->set_keep_alive(true);
	client_->set_tcp_nodelay(true);
	client_->set_connection_timeout(config_.connect_timeout);
	client_->set_read_timeout(config_.io_timeout);
	client_->set_write_timeout(config_.io_timeout);
	stats_.state = RelayStats::State::Connecting;
	stats_.url = relay_url_for_display(config_.url); // shown in /status.json: no token from the query
}

RelayPublisher::~RelayPublisher()
{
	stop(std::chrono::milliseconds(0));
}

void RelayPublisher::stop(std::chrono::milliseconds grace)
{
	if (stopped_)
		return;
	stopped_ = true;
	bool unreachable = false;
	{
		std::lock_guard lock(stats_mutex_);
		unreachable = stats_.state == RelayStats::State::Retrying;
	}
	{
		std::unique_lock lock(wake_mutex_);
		// A relay that is failing would receive nothing more in the grace: do not wait for it.
		if (!unreachable)
			wake_cv_.wait_for(lock, grace, [this] { return finished_; });
		stop_requested_.store(true, std::memory_order_release);
	}
	wake_cv_.notify_all();
	// Cuts a request in flight short (cpp-httplib shuts the socket down); the thread then sees the stop.
	client_->stop();
	if (thread_.joinable())
		thread_.join();
}

RelayStats RelayPublisher::stats() const
{
	std::lock_guard lock(stats_mutex_);
	RelayStats s = stats_;
	s.delay_ms = delay_ms_.summary();
	return s;
}

void RelayPublisher::run()
{
	set_current_thread_name("sse-relay");
	uint64_t next_id = hub_->start(std::nullopt).next_id;
	std::deque<RelayMessage> pending;
	bool closing = false;
	std::chrono::milliseconds backoff = config_.backoff_first;
	auto status_due = std::chrono::steady_clock::now();

	while (!stop_requested()) {
		if (pending.empty()) {
			if (closing) {
				if (config_.status_every.count() > 0)
					publish_status(false);
				break;
			}
			if (config_.status_every.count() > 0 && std::chrono::steady_clock::now() >= status_due) {
				publish_status(true);
				status_due = std::chrono::steady_clock::now() + config_.status_every;
			}
			const uint64_t wanted = next_id;
			// Up to a few messages' worth at once: enough to merge when behind, little to resend after a failure.
			HubRead read = hub_->read(next_id, kHubWait, config_.max_events_per_message * 4);
			if (read.outcome == HubRead::Outcome::Events) {
				if (!read.events.empty() && read.events.front()->id > wanted) {
					std::lock_guard lock(stats_mutex_);
					stats_.events_lost += read.events.front()->id - wanted;
				}
				for (auto &message : relay_messages(read.events, config_.max_events_per_message))
					pending.push_back(std::move(message));
			} else if (read.outcome == HubRead::Outcome::Closed) {
				pending.push_back(relay_stopped_message());
				closing = true;
			}
			continue;
		}
		if (send(pending.front())) {
			pending.pop_front();
			backoff = config_.backoff_first;
			continue;
		}
		if (!pause_before_retry(backoff))
			break;
		backoff = std::min(backoff * 2, config_.backoff_max);
	}

	{
		std::lock_guard lock(stats_mutex_);
		stats_.state = RelayStats::State::Stopped;
		stats_.retry_in_ms = 0;
	}
	{
		std::lock_guard lock(wake_mutex_);
		finished_ = true;
	}
	wake_cv_.notify_all();
}

bool RelayPublisher::send(const RelayMessage &message)
{
	if (!post(url_.path, message.event, message.data, "text/plain"))
		return false;
	std::lock_guard lock(stats_mutex_);
	stats_.events_relayed += message.hub_events;
	if (message.event == "audio")
		delay_ms_.record(static_cast<uint64_t>(std::max<int64_t>(wall_clock_ms() - message.capture_ms, 0)));
	return true;
}

bool RelayPublisher::post(const std::string &path, const std::string &event, const std::string &body,
			  const char *content_type)
{
	httplib::Headers headers = {{"Accept", "application/json"}};
	// nchan names the EventSource event after this header; without it subscribers would see unnamed messages.
	if (!event.empty())
		headers.emplace("X-EventSource-Event", event);
	if (!config_.key.empty())
		headers.emplace("Authorization", "Bearer " + config_.key);
	const httplib::Result result = client_->Post(path, headers, body, content_type);
	if (!result) {
		const std::string why = httplib::to_string(result.error());
		record_failure({"cannot reach " + url_.origin() + ": " + why,
				"Failure.RelayUnreachable",
				{url_.origin(), why}});
		return false;
	}
	if (result->status < 200 || result->status > 299) {
		record_failure(refusal(result->status));
		return false;
	}
	// nchan answers a publish with the channel's figures; JSON because of the Accept header above.
	const auto figures = nlohmann::json::parse(result->body, nullptr, false);
	std::lock_guard lock(stats_mutex_);
	stats_.messages_sent++;
	stats_.state = RelayStats::State::Connected;
	stats_.retry_in_ms = 0;
	if (path == url_.path && figures.is_object() && figures.contains("subscribers") &&
	    figures["subscribers"].is_number_unsigned()) {
		stats_.subscribers = figures["subscribers"].get<uint64_t>();
		if (config_.channel_list)
			config_.channel_list->set_listeners(config_.channel_index, stats_.subscribers);
	}
	return true;
}

void RelayPublisher::publish_status(bool running)
{
	uint64_t subscribers = 0;
	{
		std::lock_guard lock(stats_mutex_);
		subscribers = stats_.subscribers;
	}
	// The fields of the plugin's own /status.json that the player reads (docs/protocol.md), for nginx to serve.
	nlohmann::json doc = player_status_json({config_.version, config_.title, running, wall_clock_ms(),
						 config_.sample_rate, config_.bitrate_kbps, subscribers});
	doc["relay"] = true;
	// Best effort: a failure is counted and shown like any other, and the next document is due soon anyway.
	post(status_path_, {}, dump_document(doc), "application/json");
	if (!channel_list_path_.empty() && config_.channel_list)
		post(channel_list_path_, {}, config_.channel_list->document(), "application/json");
}

void RelayPublisher::record_failure(Error error)
{
	std::lock_guard lock(stats_mutex_);
	stats_.failed_attempts++;
	stats_.last_error = std::move(error);
	stats_.last_error_ms = wall_clock_ms();
	if (stats_.state != RelayStats::State::Stopped)
		stats_.state = RelayStats::State::Retrying;
}

bool RelayPublisher::pause_before_retry(std::chrono::milliseconds pause)
{
	{
		std::lock_guard lock(stats_mutex_);
		stats_.retry_in_ms = pause.count();
	}
	std::unique_lock lock(wake_mutex_);
	wake_cv_.wait_for(lock, pause, [this] { return stop_requested(); });
	return !stop_requested();
}

} // namespace sse_audio
