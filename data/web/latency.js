// Delay measurement and low-delay control, shared by every playback engine.
//
// The server says, in `event: timing`, at what wall-clock time (ms since the epoch, the server's clock) the first
// sample of the next audio event entered the output. Each later event follows the previous one by its duration,
// so every sample has a capture time. The delay is the server's "now" minus the capture time of the sample being
// played, plus what the audio output adds after the page hands the sound over.

export const TARGET_BUFFER_MS = 150; // sound kept ahead of the play head by Media Source playback
// The Web Audio engine feeds its own AudioWorklet, whose queue is the only buffer before the output: it needs only
// enough to cover the arrival jitter of one-frame (24 ms) events, and grows when that proves too little.
export const LOW_DELAY_TARGET_MS = 60;
export const MAX_ADAPTIVE_TARGET_MS = 400; // an adaptive target never grows beyond this
const UNDERRUN_STEP_MS = 40; // added to an adaptive target after each underrun
const LOW_WATER_MS = 10; // the buffer's low point fell below this: audio came late, nearly ran dry
const LOW_WATER_STEP_MS = 20; // added to an adaptive target when that happens
const RAISE_COOLDOWN_UPDATES = 30; // updates (about 3 s) after a raise before a low point may raise it again
export const START_HEADROOM_MS = 20; // a low-delay start holds this much more: a page is busiest right after Play
const STEP_DOWN_MS = 10; // taken off again after a quiet spell
const QUIET_UPDATES = 30; // updates (about 3 s) without a raise before the target may come down a step
const BLIND_QUIET_UPDATES = 300; // the same (about 30 s) for an engine that cannot tell the buffer's low point
export const MAX_RATE_CHANGE = 0.05; // playbackRate stays within 1 ± this while holding the buffer
// Audio the server resumed after a cut, or that a frozen network delivered at once, is played, not dropped: while
// the buffer holds more than CATCH_UP_FROM_MS above its target, the rate may go up to MAX_CATCH_UP_RATE (pitch
// kept), so a second of backlog is gone in about four seconds. Only a backlog larger than JUMP_EXCESS_MS (a tab
// that slept) is dropped with a jump to the live edge.
export const CATCH_UP_FROM_MS = 120;
export const MAX_CATCH_UP_RATE = 1.3;
const JUMP_EXCESS_MS = 4000;
const RATE_STEP = 0.005; // per update while holding: at most 5 % in one second, not heard
const CATCH_UP_RATE_STEP = 0.03; // per update while catching up: full catch-up speed within a second
const CLOCK_SAMPLES = 40; // timing events remembered for the clock offset (about 40 s)

// Estimates the offset between this machine's clock and the server's: the smallest (receive time − server_ms)
// over recent timing events. The smallest is the one that travelled fastest, so it holds the least transit time;
// what remains is the true offset plus the fastest one-way trip (well under a millisecond on a LAN).
export class ClockSync {
	#offsets = [];

	add(serverMs, receivedAtMs) {
		this.#offsets.push(receivedAtMs - serverMs);
		if (this.#offsets.length > CLOCK_SAMPLES) {
			this.#offsets.shift();
		}
	}

	reset() {
		this.#offsets = [];
	}

	get known() {
		return this.#offsets.length > 0;
	}

	// local clock − server clock, in ms (0 until the first timing event)
	get offsetMs() {
		return this.#offsets.length ? Math.min(...this.#offsets) : 0;
	}

	// The server's wall clock now, as well as this page can tell.
	serverNow() {
		return performance.timeOrigin + performance.now() - this.offsetMs;
	}
}

// Gives each audio event the capture time of its first sample: from a timing event when one came just before it,
// else continuing from the previous event. null until the first timing event.
export class CaptureTimeline {
	#anchor = null;
	#next = null;

	onTiming(captureMs) {
		this.#anchor = captureMs;
	}

	// Called for every audio event in order; returns its capture time (ms) or null.
	onAudio(durationMs) {
		const start = this.#anchor ?? this.#next;
		this.#anchor = null;
		this.#next = start === null ? null : start + durationMs;
		return start;
	}

	reset() {
		this.#anchor = null;
		this.#next = null;
	}
}

// Holds the buffer near the target: a playbackRate a little above 1 when too much is buffered, a little below when
// too little, 1 in between; a jump to the live edge when far too much is buffered (e.g. after the tab slept).
// The rate moves in small steps so the change is not heard.
// An adaptive controller is a jitter buffer: it adds a step when audio arrived so late that the buffer's low point
// nearly reached zero (before it runs dry, where the engine can tell), a larger step after an underrun, and takes
// a small step back after each quiet spell in which the low point left room for it, never below its floor. So the
// delay stays as low as this network and this machine allow. A raise that turns out to have come from a network
// freeze (no data at all for a while, then all of it) rather than from late data is taken back (forgiveSince):
// a larger buffer would not have bridged the freeze, it would only add delay afterwards.
export class RateController {
	#targetMs;
	#floorMs;
	#adaptive;
	#raises = []; // {atMs, stepMs} of the raises not yet taken back or stepped down
	#quietUpdates = 0;
	#quietLowMs = Infinity; // the buffer's low point during the current quiet spell
	#cooldown = 0;
	#averageMs = null;
	#rate = 1;

	// targetMs: the target, the floor of an adaptive one; startMs: where an adaptive one starts (default: the floor)
	constructor(targetMs = TARGET_BUFFER_MS, { adaptive = false, startMs = targetMs } = {}) {
		this.#floorMs = targetMs;
		this.#adaptive = adaptive;
		this.#targetMs = adaptive ? Math.max(targetMs, startMs) : targetMs;
	}

	get targetMs() {
		return this.#targetMs;
	}

	get adaptive() {
		return this.#adaptive;
	}

	// A fixed target set from outside (the floor under an interpretation follows the chosen channel's delay, see
	// floor.js): the new target and its floor.
	retarget(targetMs) {
		this.#floorMs = targetMs;
		this.#targetMs = targetMs;
	}

	// The buffer ran dry: hold more from now on (adaptive only). Returns true when the target changed.
	onUnderrun() {
		return this.#raise(UNDERRUN_STEP_MS);
	}

	#raise(stepMs) {
		this.#quietUpdates = 0;
		this.#quietLowMs = Infinity;
		this.#cooldown = RAISE_COOLDOWN_UPDATES;
		if (!this.#adaptive || this.#targetMs >= MAX_ADAPTIVE_TARGET_MS) {
			return false;
		}
		const before = this.#targetMs;
		this.#targetMs = Math.min(MAX_ADAPTIVE_TARGET_MS, this.#targetMs + stepMs);
		this.#raises.push({ atMs: performance.now(), stepMs: this.#targetMs - before });
		if (this.#raises.length > 64) {
			this.#raises.shift();
		}
		return true;
	}

	// Takes back the raises made since `sinceMs` (performance.now() time): the buffer ran low then because the
	// network froze, not because audio came late. Returns true when the target changed.
	forgiveSince(sinceMs) {
		let changed = false;
		while (this.#raises.length && this.#raises[this.#raises.length - 1].atMs >= sinceMs) {
			const { stepMs } = this.#raises.pop();
			this.#targetMs = Math.max(this.#floorMs, this.#targetMs - stepMs);
			changed = true;
		}
		if (changed) {
			this.#cooldown = 0;
		}
		return changed;
	}

	get rate() {
		return this.#rate;
	}

	get averageMs() {
		return this.#averageMs;
	}

	reset() {
		this.#averageMs = null;
		this.#rate = 1;
	}

	// Feed the buffered-ahead figure about every 100 ms, and where the engine knows it the lowest it was since the
	// last update. Returns {rate, jump}; after a jump, call reset(). The target may change (see targetMs).
	update(bufferedMs, lowMs = null) {
		if (this.#cooldown > 0) {
			this.#cooldown--;
		} else if (lowMs !== null && lowMs < LOW_WATER_MS) {
			this.#raise(LOW_WATER_STEP_MS);
		}
		if (lowMs !== null) {
			this.#quietLowMs = Math.min(this.#quietLowMs, lowMs);
		}
		const quiet = lowMs === null ? BLIND_QUIET_UPDATES : QUIET_UPDATES;
		if (this.#adaptive && ++this.#quietUpdates >= quiet) {
			// Step down only when the low point would still stay clear of the low-water mark after the step.
			if (this.#quietLowMs === Infinity || this.#quietLowMs > LOW_WATER_MS + STEP_DOWN_MS * 2) {
				this.#targetMs = Math.max(this.#floorMs, this.#targetMs - STEP_DOWN_MS);
				this.#raises = []; // quiet since: what remains of them is history, not a freeze to take back
			}
			this.#quietUpdates = 0;
			this.#quietLowMs = Infinity;
		}
		// The buffer saw-tooths by one event (24 ms) and by network jitter: follow its average over about a second.
		// A backlog far above that is followed as it is, so that a catch-up slows down in time.
		const smoothed = this.#averageMs === null ? bufferedMs : this.#averageMs * 0.9 + bufferedMs * 0.1;
		this.#averageMs = bufferedMs - this.#targetMs > CATCH_UP_FROM_MS * 2 ? bufferedMs : smoothed;
		const error = this.#averageMs - this.#targetMs;
		if (bufferedMs - this.#targetMs > JUMP_EXCESS_MS) {
			return { rate: this.#rate, jump: true };
		}
		const catchingUp = error > CATCH_UP_FROM_MS;
		let wanted = 1;
		// Within a dead band the rate stays 1. A small target has a narrow band, else its buffer could sit near zero;
		// the band above the target is narrower still, since clock drift between server and sound card slowly fills
		// the buffer and what sits above the target is delay.
		const band = error > 0 ? Math.min(25, this.#targetMs * 0.1) : Math.min(25, this.#targetMs * 0.2);
		if (Math.abs(error) > band) {
			// 100 ms too much asks for 4 % faster; too little is refilled faster (20 ms short: 2 % slower), since
			// a short buffer is the one that may run dry. The cap is MAX_RATE_CHANGE.
			// Beyond CATCH_UP_FROM_MS above the target it is a backlog to play off, faster the larger it is (300 ms
			// more: 1.19×, from 500 ms on: 1.3×).
			const gain = error > 0 ? 0.0004 : 0.001;
			const catchUp = catchingUp ? (error - CATCH_UP_FROM_MS) * 0.0007 : 0;
			const most = catchingUp ? MAX_CATCH_UP_RATE - 1 : MAX_RATE_CHANGE;
			wanted = 1 + Math.max(-MAX_RATE_CHANGE, Math.min(most, error * gain + catchUp));
		}
		const step = catchingUp || this.#rate > 1 + MAX_RATE_CHANGE ? CATCH_UP_RATE_STEP : RATE_STEP;
		this.#rate += Math.max(-step, Math.min(step, wanted - this.#rate));
		this.#rate = Math.round(this.#rate * 1000) / 1000;
		return { rate: this.#rate, jump: false };
	}
}
