// What the two engines that play through the page's <audio> element (mse-engine.js, element-engine.js) share:
// listeners that are removed together when the engine stops, and how much is buffered ahead of the play head.

// Adds listeners to an element and removes all of them at once.
export class ElementListeners {
	#element;
	#added = [];

	constructor(element) {
		this.#element = element;
	}

	on(type, listener) {
		this.#element.addEventListener(type, listener);
		this.#added.push([type, listener]);
	}

	removeAll() {
		for (const [type, listener] of this.#added) {
			this.#element.removeEventListener(type, listener);
		}
		this.#added = [];
	}
}

// Seconds buffered ahead of the play head in the range that holds it; null when it is in none.
export function bufferedAheadS(audio) {
	const ranges = audio.buffered;
	for (let i = 0; i < ranges.length; i++) {
		if (audio.currentTime >= ranges.start(i) - 0.05 && audio.currentTime <= ranges.end(i)) {
			return ranges.end(i) - audio.currentTime;
		}
	}
	return null;
}
