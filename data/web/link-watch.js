// Whether the connection keeps up with the stream. On a link thinner than the stream's bitrate the audio arrives
// ever later: the listener drifts seconds behind and hears gaps, and the page must say why instead of playing on
// as if all were well.
//
// The measure is how far behind live the newest audio is when it arrives ("arrival lag": the server's clock now minus
// the capture time of the end of the newest audio event). On a healthy link it is the encoder's delay plus the
// network's (~50 ms). A freeze (seconds without data, then all of it) lifts it only while it lasts; a thin link
// lifts it for good. So the link is too slow when the lag stays above SLOW_LAG_MS for SLOW_FOR_MS, and fine again
// once it is below CLEAR_LAG_MS.

const SLOW_LAG_MS = 800;
const SLOW_FOR_MS = 3000;
const CLEAR_LAG_MS = 400;

export class LinkWatch {
	#newestEndMs = null; // capture time (server clock) of the end of the newest audio received
	#laggingSince = null;
	#slow = false;

	reset() {
		this.#newestEndMs = null;
		this.#laggingSince = null;
		this.#slow = false;
	}

	// An audio event arrived; captureEndMs: capture time of its end (null while unknown).
	onAudio(captureEndMs) {
		if (captureEndMs !== null) {
			this.#newestEndMs = captureEndMs;
		}
	}

	// How far behind live the newest audio is (ms), or null while unknown. serverNowMs: the server's clock now.
	lagMs(serverNowMs) {
		return this.#newestEndMs === null ? null : Math.max(0, serverNowMs - this.#newestEndMs);
	}

	get slow() {
		return this.#slow;
	}

	// Looks again (every ~250 ms) while the connection is up. Returns whether the link is too slow.
	check(serverNowMs, now = performance.now()) {
		const lag = this.lagMs(serverNowMs);
		if (lag === null) {
			return this.#slow;
		}
		if (lag > SLOW_LAG_MS) {
			this.#laggingSince ??= now;
			if (now - this.#laggingSince >= SLOW_FOR_MS) {
				this.#slow = true;
			}
		} else {
			this.#laggingSince = null;
			if (lag < CLEAR_LAG_MS) {
				this.#slow = false;
			}
		}
		return this.#slow;
	}
}
