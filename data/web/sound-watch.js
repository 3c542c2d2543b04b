// Whether the playback path in use really gives sound. A browser may say it supports a path and then play nothing
// through it: WebKitGTK's AudioDecoder claims MP3 and fails every decode; a Media Source element routed through
// Web Audio can play in silence. The page must notice, say so and play another way, and must never show "Live"
// while nothing comes out.
//
// Two signs of sound: the analyser sees something other than digital silence (when the sound passes through the
// page's analyser), or else the engine's play head moves. The stream itself says whether there is anything to hear:
// frames that code no sound (mp3-frames.js) are what OBS sends when nothing is playing, and then a silent analyser
// is right. A path fails when audible audio keeps arriving for NO_SOUND_LIMIT_MS and nothing comes out meanwhile.

export const NO_SOUND_LIMIT_MS = 2000;
const ARRIVING_MS = 600; // audio pushed within this long counts as arriving (events come every ~24 ms)
const CONTENT_LAG_MS = 3000; // audible audio pushed within this long may be what plays now (buffers, catch-up)
const MOVED_WITHIN_MS = 700;
const SILENT_DB = -120; // below this the analyser sees digital silence (a decoded -80 dB tone is well above it)

export class SoundWatch {
	#clock;
	#level;
	#lastTime = null;
	#lastPushAt = -Infinity;
	#lastAudibleAt = -Infinity;
	#silentSince = null;
	#sounding = false;
	#moving = false;
	#movedAt = -Infinity;

	// clock(): the engine's play position in seconds; level(): the analyser's level in dBFS, or null when the sound
	// does not pass through the page's analyser.
	constructor({ clock, level }) {
		this.#clock = clock;
		this.#level = level;
	}

	// Every audio event handed to the engine; audible: whether it codes sound.
	onPush(audible, now = performance.now()) {
		this.#lastPushAt = now;
		if (audible) {
			this.#lastAudibleAt = now;
		}
	}

	get sounding() {
		return this.#sounding;
	}

	// Whether the play head moved at the last check: a path that fails while it moves plays in silence after the
	// engine (a Web Audio routing), not in the engine.
	get moving() {
		return this.#moving;
	}

	// Looks again (every ~250 ms). Returns 'sounding', 'quiet' (nothing comes out, and that is not the path's fault:
	// no audio arrives, or only silence) or 'failed' (audible audio has been arriving for NO_SOUND_LIMIT_MS and
	// nothing came out).
	check(now = performance.now()) {
		const time = this.#clock();
		if (this.#lastTime !== null && time > this.#lastTime) {
			this.#movedAt = now;
		}
		this.#lastTime = time;
		// WebKit updates currentTime in steps of up to ~300 ms: a play head counts as moving for a while after it moved.
		const moving = now - this.#movedAt < MOVED_WITHIN_MS;
		this.#moving = moving;
		const level = this.#level();
		const audibleContent = now - this.#lastAudibleAt < CONTENT_LAG_MS;
		// Sound at the analyser is sound, whatever the play head says (WebKitGTK's Media Source has been seen to stop
		// updating currentTime while it played on); without an analyser, or while only silence was sent, a moving
		// play head is the sign.
		const analyserHears = level !== null && level > SILENT_DB;
		this.#sounding = analyserHears || (moving && (level === null || !audibleContent));
		const audibleArriving = now - this.#lastPushAt < ARRIVING_MS && now - this.#lastAudibleAt < ARRIVING_MS;
		if (this.#sounding || !audibleArriving) {
			this.#silentSince = null;
			return this.#sounding ? 'sounding' : 'quiet';
		}
		this.#silentSince ??= now;
		return now - this.#silentSince >= NO_SOUND_LIMIT_MS ? 'failed' : 'quiet';
	}
}
