// Playback through Media Source Extensions: one SourceBuffer in 'sequence' mode, so each append follows the
// previous one whatever the timestamps and a reconnect simply continues the timeline (gapless). Used by Chromium and
// desktop Safari (MediaSource, 'audio/mpeg'), iOS Safari (ManagedMediaSource) and Firefox, whose Media Source takes
// MP3 only in fragmented MP4 (mp3-fmp4.js wraps each event).
//
// Low delay: the first sound starts `target` ms before the newest audio; a RateController nudges playbackRate
// (pitch preserved by the browser) to hold the buffer there, plays off a backlog (after a cut or a freeze) faster,
// and jumps to the live edge only when a backlog is too large for that (a tab that slept). Played audio is removed
// from the SourceBuffer so memory stays flat on a stream that runs for hours.
//
// ManagedMediaSource (iOS Safari 17.1+, macOS Safari): built to Apple's documented behaviour, though no such browser
// runs in our tests. The element must have `disableRemotePlayback` (or an AirPlay alternative) for it to open at all.
// The browser says with `startstreaming` / `endstreaming` (and the `streaming` attribute) when it wants data; while
// it does not, events are held here (bounded like any queue) and appended at the next `startstreaming`. The browser
// may also evict buffered audio by itself (`bufferedchange`); the control loop then finds the play head outside
// the buffer and goes to the live edge.

import { RateController } from './latency.js';
import { bufferedAheadS, ElementListeners } from './media-element.js';
import { concatBytes, MP4_MP3_MIME, Mp3Fmp4Muxer } from './mp3-fmp4.js';

const MP3_MIME = 'audio/mpeg';
const KEEP_BEHIND_S = 10; // played audio kept behind currentTime; the rest is removed
const TRIM_SLACK_S = 2; // remove in batches, not after every event
const MAX_QUEUED_BYTES = 1 << 20; // bytes waiting for the SourceBuffer; beyond this the oldest are dropped
const CONTROL_INTERVAL_MS = 100;
const STALL_CONFIRM_MS = 150; // the play head stood this long after 'waiting': it ran dry
const RATE_CHECK_MS = 2000;

// The SourceBuffer type a media source class takes MP3 in: plain MP3 where it can, MP3 in fragmented MP4
// otherwise; null when neither.
function mp3TypeFor(Source) {
	if (typeof Source === 'undefined') {
		return null;
	}
	return [MP3_MIME, MP4_MP3_MIME].find((type) => Source.isTypeSupported(type)) ?? null;
}

// Whether this kind of media source ('mse': MediaSource, 'managed': ManagedMediaSource) can take MP3 here.
export function mediaSourceSupports(kind) {
	return mp3TypeFor(kind === 'managed' ? globalThis.ManagedMediaSource : globalThis.MediaSource) !== null;
}

// 'mse', 'managed' or null: which kind of media source a page uses by default. MediaSource where it takes MP3;
// ManagedMediaSource where only it exists (iOS Safari).
export function mediaSourceKind() {
	return ['mse', 'managed'].find(mediaSourceSupports) ?? null;
}

export class MseEngine {
	#audio;
	#kind;
	#hooks;
	#controller;
	#mediaSource = null;
	#sourceBuffer = null;
	#objectUrl = '';
	#type = MP3_MIME; // the SourceBuffer's
	#muxer = null; // set when the SourceBuffer takes MP3 in fragmented MP4
	#queue = []; // {bytes, endCaptureMs, keep}: keep marks an MP4 init segment
	#queuedBytes = 0;
	#appendEndCapture = undefined; // capture time at the end of the append in flight
	#endCaptureMs = null; // capture time of the newest buffered sample's end
	#positioned = false; // the play head was put near the live edge after data first arrived
	#positionedAt = 0; // currentTime right after that
	#clockStarted = false; // currentTime has moved since: sound is coming out
	#timer = 0;
	#listeners;
	#waiting = false; // ran dry: the play head stands until data comes
	#stallCheck = null; // {atMs, time} after a 'waiting' event, until the play head moves or stands long enough
	#lastTime = 0; // currentTime at the previous control step
	#rateCheck = null; // {atMs, time, rateSum, count}: the current spell of #rateApplies
	#rateMisses = 0;
	#rateIgnored = false;
	#underruns = 0;
	#jumps = 0;

	// kind: 'mse' or 'managed'; hooks: onPlaying() (first sound), onUnderrun() → whether it counts, onError(error)
	// (the media source is dead: the page replaces the engine);
	// buffer: {targetMs, adaptive} (see RateController)
	constructor(audio, kind, hooks, buffer) {
		this.#audio = audio;
		this.#listeners = new ElementListeners(audio);
		this.#kind = kind;
		this.#hooks = hooks;
		this.#controller = new RateController(buffer.targetMs, { adaptive: buffer.adaptive });
	}

	get targetMs() {
		return this.#controller.targetMs;
	}

	get bufferedMs() {
		const ahead = this.#aheadS();
		return ahead === null ? 0 : Math.round(ahead * 1000);
	}

	get rate() {
		return this.#audio.playbackRate;
	}

	// 'mpeg' or 'mp4': how the MP3 frames reach the SourceBuffer.
	get container() {
		return this.#muxer ? 'mp4' : 'mpeg';
	}

	get currentTime() {
		return this.#audio.currentTime;
	}

	get underruns() {
		return this.#underruns;
	}

	get jumps() {
		return this.#jumps;
	}

	get decodeErrors() {
		return 0; // a decode error ends the media source: reported through onError
	}

	// The buffer ran low since `sinceMs` because the network froze: take back what that added to the target.
	onFreeze(sinceMs) {
		this.#controller.forgiveSince(sinceMs);
	}

	// Capture time (server ms) of the sample at the play head, or null while unknown.
	get playheadCaptureMs() {
		const ranges = this.#audio.buffered;
		if (this.#endCaptureMs === null || ranges.length === 0) {
			return null;
		}
		const last = ranges.length - 1;
		const t = this.#audio.currentTime;
		if (t < ranges.start(last) - 0.05 || t > ranges.end(last) + 0.05) {
			return null;
		}
		return this.#endCaptureMs - (ranges.end(last) - t) * 1000;
	}

	// Returns the promise of audio.play(); call it from the click handler so the browser counts it as the user's.
	start() {
		const Source = this.#kind === 'managed' ? ManagedMediaSource : MediaSource;
		this.#type = mp3TypeFor(Source);
		this.#muxer = this.#type === MP4_MP3_MIME ? new Mp3Fmp4Muxer() : null;
		const mediaSource = new Source();
		this.#mediaSource = mediaSource;
		mediaSource.addEventListener('sourceopen', () => this.#onSourceOpen(), { once: true });
		const audio = this.#audio;
		if (this.#kind === 'managed') {
			audio.disableRemotePlayback = true; // ManagedMediaSource plays only without AirPlay or with a fallback
			mediaSource.addEventListener('startstreaming', () => this.#pump());
		}
		this.#objectUrl = URL.createObjectURL(mediaSource);
		audio.src = this.#objectUrl;
		audio.preservesPitch = true;
		this.#on('playing', () => {
			this.#waiting = false;
			this.#stallCheck = null;
		});
		this.#on('waiting', () => {
			// A seek of ours also passes through 'waiting': only running out of data is an underrun. WebKit also
			// says 'waiting' while it plays on (its pipeline buffers on its own): the control loop counts it only
			// when the play head then stands still.
			if (this.#clockStarted && !audio.seeking && !this.#waiting && !this.#stallCheck) {
				this.#stallCheck = { atMs: performance.now(), time: audio.currentTime };
			}
		});
		this.#on('error', () => this.#hooks.onError(audio.error));
		this.#timer = setInterval(() => this.#control(), CONTROL_INTERVAL_MS);
		return audio.play();
	}

	// bytes: whole MP3 frames; captureMs: capture time of their first sample (null when unknown); durationMs.
	push(bytes, captureMs, durationMs) {
		if (!this.#mediaSource) {
			return;
		}
		const endCaptureMs = captureMs === null ? null : captureMs + durationMs;
		if (this.#muxer) {
			const wrapped = this.#muxer.wrap(bytes);
			if (!wrapped) {
				return;
			}
			if (wrapped.init) {
				// Never dropped below: every fragment after it needs it.
				this.#queue.push({ bytes: wrapped.init, endCaptureMs: undefined, keep: true });
			}
			bytes = wrapped.fragment;
		}
		this.#queue.push({ bytes, endCaptureMs, keep: false });
		this.#queuedBytes += bytes.byteLength;
		while (this.#queuedBytes > MAX_QUEUED_BYTES && this.#queue.length > 1) {
			const oldest = this.#queue.findIndex((entry) => !entry.keep);
			this.#queuedBytes -= this.#queue.splice(oldest, 1)[0].bytes.byteLength;
		}
		this.#pump();
	}

	stop() {
		clearInterval(this.#timer);
		this.#listeners.removeAll();
		const mediaSource = this.#mediaSource;
		this.#mediaSource = null;
		this.#sourceBuffer = null;
		this.#queue = [];
		this.#queuedBytes = 0;
		this.#audio.pause();
		if (mediaSource && mediaSource.readyState === 'open') {
			try {
				mediaSource.endOfStream();
			} catch {
				// already ending; nothing to tidy
			}
		}
		this.#audio.removeAttribute('src');
		this.#audio.load();
		if (this.#objectUrl) {
			URL.revokeObjectURL(this.#objectUrl);
			this.#objectUrl = '';
		}
	}

	#on(type, listener) {
		this.#listeners.on(type, listener);
	}

	#onSourceOpen() {
		if (!this.#mediaSource) {
			return;
		}
		try {
			const sourceBuffer = this.#mediaSource.addSourceBuffer(this.#type);
			sourceBuffer.mode = 'sequence';
			sourceBuffer.addEventListener('updateend', () => this.#onUpdateEnd());
			this.#sourceBuffer = sourceBuffer;
		} catch (error) {
			this.#hooks.onError(error);
			return;
		}
		this.#pump();
	}

	#onUpdateEnd() {
		if (this.#appendEndCapture !== undefined) {
			this.#endCaptureMs = this.#appendEndCapture;
			this.#appendEndCapture = undefined;
		}
		if (!this.#positioned && this.#audio.buffered.length > 0) {
			this.#positioned = true;
			this.#seekToLive();
		}
		this.#pump();
	}

	// One SourceBuffer operation at a time: a pending trim first, then everything queued as one append. A managed
	// media source that does not want data now gets it at its next `startstreaming`.
	#pump() {
		const sourceBuffer = this.#sourceBuffer;
		if (!sourceBuffer || sourceBuffer.updating || this.#mediaSource?.readyState !== 'open') {
			return;
		}
		if (this.#kind === 'managed' && this.#mediaSource.streaming === false && this.#positioned) {
			return;
		}
		if (this.#trimPlayed() || this.#queue.length === 0) {
			return; // a trim's updateend pumps again
		}
		const chunk = concatBytes(this.#queue.map((entry) => entry.bytes));
		const endCapture = this.#queue[this.#queue.length - 1].endCaptureMs;
		const inits = this.#queue.filter((entry) => entry.keep);
		this.#queue = [];
		this.#queuedBytes = 0;
		try {
			sourceBuffer.appendBuffer(chunk);
			this.#appendEndCapture = endCapture;
		} catch (error) {
			if (error.name === 'QuotaExceededError') {
				// Full despite trimming (a stalled element): drop this chunk and free everything already played.
				// An init segment in it is needed by every later fragment: it goes first again.
				this.#queue = inits;
				this.#removeBefore(this.#audio.currentTime - 1);
			} else {
				this.#hooks.onError(error);
			}
		}
	}

	#trimPlayed() {
		const ranges = this.#sourceBuffer.buffered;
		if (ranges.length === 0) {
			return false;
		}
		const cutoff = this.#audio.currentTime - KEEP_BEHIND_S;
		return ranges.start(0) < cutoff - TRIM_SLACK_S && this.#removeBefore(cutoff);
	}

	#removeBefore(time) {
		const ranges = this.#sourceBuffer.buffered;
		if (ranges.length === 0 || time <= ranges.start(0)) {
			return false;
		}
		try {
			this.#sourceBuffer.remove(ranges.start(0), time);
			return true;
		} catch {
			return false;
		}
	}

	#aheadS() {
		return bufferedAheadS(this.#audio);
	}

	#seekToLive() {
		const audio = this.#audio;
		const ranges = audio.buffered;
		if (ranges.length === 0) {
			return;
		}
		const start = ranges.start(ranges.length - 1);
		const end = ranges.end(ranges.length - 1);
		audio.currentTime = Math.max(start, end - this.#controller.targetMs / 1000);
		this.#positionedAt = audio.currentTime;
		this.#controller.reset();
		audio.playbackRate = 1;
	}

	#control() {
		const audio = this.#audio;
		if (!this.#positioned || audio.paused || audio.buffered.length === 0) {
			return;
		}
		if (!this.#clockStarted) {
			// 'playing' fires before the audio output has started (that can take a second): sound comes out
			// when currentTime moves. Until then the backlog grows, so start again near the live edge.
			if (audio.currentTime <= this.#positionedAt + 0.01 || audio.seeking) {
				return;
			}
			this.#clockStarted = true;
			this.#hooks.onPlaying();
			if (this.bufferedMs > this.#controller.targetMs + 100) {
				this.#seekToLive();
			}
			return;
		}
		this.#confirmStall();
		const last = audio.buffered.length - 1;
		if (audio.currentTime < audio.buffered.start(last) - 0.05) {
			// Stranded before the newest data (after a trim or a gap): go to the live edge.
			this.#jump();
			return;
		}
		const ahead = this.#aheadS();
		if (ahead === null) {
			return; // past the end: waiting for data
		}
		if (this.#waiting) {
			return; // ran dry: the element plays on by itself once data is back, then the rate plays off the backlog
		}
		const { rate, jump } = this.#controller.update(ahead * 1000);
		if (jump) {
			this.#jump();
		} else if (this.#rateApplies()) {
			if (audio.playbackRate !== rate) {
				audio.playbackRate = rate;
			}
		} else if (audio.playbackRate !== 1) {
			audio.playbackRate = 1;
		}
	}

	// Whether playbackRate moves the play head here. WebKitGTK's Media Source takes the value but its play head
	// keeps real time while the sound it routes to Web Audio is slowed or sped up: the sound would drift away from
	// every figure the page shows. Checked over RATE_CHECK_MS spells in which the rate was off 1: when the play
	// head twice did not follow, the rate stays 1 from then on (a backlog is then left only by a jump).
	#rateApplies() {
		if (this.#rateIgnored) {
			return false;
		}
		const audio = this.#audio;
		const now = performance.now();
		const check = (this.#rateCheck ??= { atMs: now, time: audio.currentTime, rateSum: 0, count: 0 });
		check.rateSum += audio.playbackRate;
		check.count++;
		if (now - check.atMs >= RATE_CHECK_MS) {
			const asked = check.rateSum / check.count;
			const speed = (audio.currentTime - check.time) / ((now - check.atMs) / 1000);
			this.#rateCheck = null;
			if (Math.abs(asked - 1) >= 0.02 && !this.#waiting) {
				const followed = Math.abs(speed - 1) >= Math.abs(asked - 1) * 0.4 && Math.sign(speed - 1) === Math.sign(asked - 1);
				this.#rateMisses = followed ? 0 : this.#rateMisses + 1;
				this.#rateIgnored = this.#rateMisses >= 2;
			}
		}
		return !this.#rateIgnored;
	}

	// How the engine holds its buffer: 'rate' (playbackRate), or 'jumps' where the rate does not move the play head.
	get rateControl() {
		return this.#rateIgnored ? 'jumps' : 'rate';
	}

	// After 'waiting': an underrun when the play head stood still for STALL_CONFIRM_MS; nothing when it moved on.
	// A play head that moves again ends an underrun even where no 'playing' event says so.
	#confirmStall() {
		const time = this.#audio.currentTime;
		const moved = time > this.#lastTime + 0.005;
		this.#lastTime = time;
		const check = this.#stallCheck;
		if (moved) {
			this.#stallCheck = null;
			this.#waiting = false;
		} else if (check && performance.now() - check.atMs >= STALL_CONFIRM_MS) {
			this.#stallCheck = null;
			this.#waiting = true;
			this.#underruns++;
			// Only an underrun the player is to blame for (not a dropped link) asks for a larger buffer.
			if (this.#hooks.onUnderrun()) {
				this.#controller.onUnderrun();
			}
		}
	}

	#jump() {
		this.#jumps++;
		this.#seekToLive();
	}
}
