// <obs-sse-audio>: the player as a custom element, for any web page (docs/embedding.md).
//
//   <script type="module" src="https://radio.example.org/embed.js"></script>
//   <obs-sse-audio src="https://radio.example.org/" channel="en"></obs-sse-audio>
//
// The same player as the plugin's own page (player.js: engines, fallbacks, recovery), with a smaller view in a
// shadow root, themed through CSS custom properties (--obs-sse-audio-*) and ::part(). Events: `statechange`
// (detail.state) and `error` (detail.code, detail.message). API: play(), pause(), volume, muted, state, stats.
//
// This file is the one the server sends to every page (it holds no engine); the player's other modules are sent
// to the pages of allowed origins only (the `allowed_origins` setting). So on a page the streamer has not allowed,
// this file still runs and says so in the element, rather than the element never appearing.

const BASE = new URL('./', import.meta.url);

// Said before the player's strings (i18n.js) could be loaded: when they cannot be, these are all there is.
const LOAD_ERRORS = {
	en: {
		originNotAllowed: 'This stream may not be played on this site ({origin}). The streamer can allow it: add {origin} to Allowed origins in OBS (Tools > SSE Audio Stream > Advanced).',
		unreachable: 'Cannot reach the stream at {server}.',
	},
	zh: {
		originNotAllowed: '此音频流不允许在本网站（{origin}）播放。主播可以在 OBS 中允许：将 {origin} 添加到“允许的来源”（工具 > SSE 音频流 > 高级）。',
		unreachable: '无法连接到音频流 {server}。',
	},
};

const STYLE = `
:host {
	--obs-sse-audio-background: #ffffff;
	--obs-sse-audio-text: #1b1d21;
	--obs-sse-audio-muted: #5b616b;
	--obs-sse-audio-line: #dde0e5;
	--obs-sse-audio-accent: #2557d6;
	--obs-sse-audio-accent-text: #ffffff;
	--obs-sse-audio-live: #1f9d55;
	--obs-sse-audio-wait: #c27c0e;
	--obs-sse-audio-error: #b3261e;
	--obs-sse-audio-radius: 12px;
	--obs-sse-audio-font: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif;
	display: block;
	max-width: 420px;
	color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
	:host {
		--obs-sse-audio-background: #1c1f24;
		--obs-sse-audio-text: #e8eaed;
		--obs-sse-audio-muted: #a0a6b0;
		--obs-sse-audio-line: #2e333a;
		--obs-sse-audio-accent: #6d93f2;
		--obs-sse-audio-accent-text: #0d1117;
		--obs-sse-audio-live: #3ccf7a;
		--obs-sse-audio-wait: #e6a23c;
		--obs-sse-audio-error: #f6b8b1;
	}
}
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
* { box-sizing: border-box; }
.player {
	display: grid;
	grid-template-columns: auto 1fr;
	gap: 6px 12px;
	align-items: center;
	padding: 12px 14px;
	border: 1px solid var(--obs-sse-audio-line);
	border-radius: var(--obs-sse-audio-radius);
	background: var(--obs-sse-audio-background);
	color: var(--obs-sse-audio-text);
	font: 14px/1.4 var(--obs-sse-audio-font);
	--meter-bar: var(--obs-sse-audio-accent);
	--meter-peak: var(--obs-sse-audio-live);
}
.title { grid-column: 2; margin: 0; font-size: 15px; font-weight: 600; overflow-wrap: anywhere; }
.toggle {
	grid-row: span 2;
	min-width: 44px; min-height: 44px;
	padding: 0 14px;
	border: 0; border-radius: 22px;
	background: var(--obs-sse-audio-accent);
	color: var(--obs-sse-audio-accent-text);
	font: inherit; font-weight: 600; cursor: pointer;
}
.toggle:disabled { opacity: 0.5; cursor: default; }
.toggle:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
	outline: 2px solid var(--obs-sse-audio-accent); outline-offset: 2px;
}
.state { grid-column: 2; margin: 0; display: flex; align-items: center; gap: 6px; color: var(--obs-sse-audio-muted); }
.state-dot { width: 8px; height: 8px; border-radius: 50%; background: var(--obs-sse-audio-muted); }
.player[data-state="live"] .state-dot { background: var(--obs-sse-audio-live); }
.player[data-state="buffering"] .state-dot, .player[data-state="connecting"] .state-dot,
.player[data-state="reconnecting"] .state-dot { background: var(--obs-sse-audio-wait); }
.player[data-state="error"] .state-dot { background: var(--obs-sse-audio-error); }
.row { grid-column: 1 / -1; display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.volume input { flex: 1; min-width: 80px; accent-color: var(--obs-sse-audio-accent); }
.mute { display: inline-flex; border: 1px solid var(--obs-sse-audio-line); border-radius: 8px; background: none; color: inherit; padding: 4px 6px; cursor: pointer; }
.player.is-muted .waves { display: none; }
.player[data-state="error"] .volume, .player[data-state="error"] .meter { display: none; }
.meter { grid-column: 1 / -1; width: 100%; height: 24px; }
.figures { margin: 0; display: flex; gap: 12px; color: var(--obs-sse-audio-muted); font-size: 12px; }
.figures div { display: flex; gap: 4px; }
.figures dd { margin: 0; font-variant-numeric: tabular-nums; }
.notice { grid-column: 1 / -1; margin: 0; color: var(--obs-sse-audio-error); }
.path { grid-column: 1 / -1; margin: 0; color: var(--obs-sse-audio-muted); font-size: 12px; }
.key-form, .channel, .floor { grid-column: 1 / -1; }
`;

// The ids are those the player's view (ui.js) looks for, inside this shadow root only.
const MARKUP = `
<div id="player" class="player" part="player" data-state="stopped">
	<button id="toggle" class="toggle" part="toggle" type="button" disabled><span id="toggle-text">Play</span></button>
	<p id="title" class="title" part="title"></p>
	<p class="state" part="state" role="status" aria-live="polite"><span class="state-dot" part="state-dot"></span><span id="state"></span></p>
	<div id="channel-picker" class="channel row" part="channel" hidden>
		<label for="channel" data-text="channel"></label><select id="channel"></select>
	</div>
	<div id="floor-mix" class="floor row" part="floor" hidden>
		<input id="floor-on" type="checkbox"><label for="floor-on" data-text="floorOn"></label>
		<input id="floor-volume" type="range" min="0" max="100" step="1" value="30">
	</div>
	<canvas id="meter" class="meter" part="meter" width="320" height="24"></canvas>
	<div class="volume row" part="volume">
		<button id="mute" class="mute" part="mute" type="button"><svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M2 6h3l4-3v10l-4-3H2z" fill="currentColor"/><path class="waves" d="M11 5.5a3.5 3.5 0 0 1 0 5M12.5 3.5a6 6 0 0 1 0 9" fill="none" stroke="currentColor" stroke-width="1.4"/></svg></button>
		<label for="volume" data-text="volume" hidden></label>
		<input id="volume" type="range" min="0" max="100" step="1" value="100">
		<dl class="figures" part="figures">
			<div><dt data-text="delay"></dt><dd id="delay" part="delay">–</dd></div>
			<div hidden><dt data-text="buffer"></dt><dd id="buffer">–</dd></div>
			<div hidden><dt data-text="bitrate"></dt><dd id="bitrate">–</dd></div>
			<div hidden><dt data-text="listeners"></dt><dd id="listeners">–</dd></div>
		</dl>
	</div>
	<p id="notice" class="notice" part="notice" role="alert" hidden></p>
	<form id="key-form" class="key-form row" part="key-form" hidden>
		<label for="key-input" data-text="keyLabel"></label>
		<input id="key-input" type="password" autocomplete="current-password" autocapitalize="off" spellcheck="false" required>
		<button id="key-submit" type="submit" data-text="keyUse"></button>
	</form>
	<p id="path" class="path" part="path" hidden></p>
	<audio id="audio" preload="none" crossorigin="anonymous"></audio>
</div>`;

// The languages asked for: the element's own (or its page's) `lang`, else the browser's.
function languagesFor(element) {
	const lang = element.closest('[lang]')?.getAttribute('lang');
	return lang ? [lang] : navigator.languages?.length ? [...navigator.languages] : [navigator.language];
}

// Whether the server answers at all, CORS aside: a no-cors request gets an opaque answer from a server that
// refuses this page's origin, and fails only when nothing answers.
async function answers(url) {
	const abort = new AbortController();
	const timer = setTimeout(() => abort.abort(), 3000);
	try {
		await fetch(url, { mode: 'no-cors', cache: 'no-store', signal: abort.signal });
		return true;
	} catch {
		return false;
	} finally {
		clearTimeout(timer);
	}
}

export class ObsSseAudioElement extends HTMLElement {
	static observedAttributes = ['src', 'channel', 'buffer', 'engine'];
	#shadow;
	#player = null;
	#loading = null; // the Promise of the current load
	#generation = 0; // bumped on every (re)load and removal: an older load's result is thrown away
	#state = 'stopped';
	#pending = { volume: null, muted: null };

	constructor() {
		super();
		this.#shadow = this.attachShadow({ mode: 'open' });
		this.#render();
	}

	// Fresh markup: a player that was disposed leaves its listeners on the nodes it was given, so every new player
	// gets nodes of its own.
	#render() {
		const style = document.createElement('style');
		style.textContent = STYLE;
		const template = document.createElement('template');
		template.innerHTML = MARKUP;
		this.#shadow.replaceChildren(style, template.content.cloneNode(true));
	}

	connectedCallback() {
		this.#reload();
	}

	disconnectedCallback() {
		this.#generation++;
		this.#player?.dispose();
		this.#player = null;
	}

	attributeChangedCallback(name, before, after) {
		if (before !== after && this.isConnected && this.#loading) {
			this.#reload();
		}
	}

	// The stream's address: `src`, relative to the page, or else the server this file came from.
	get src() {
		return new URL(this.getAttribute('src') || BASE.href, document.baseURI).href;
	}

	set src(value) {
		this.setAttribute('src', value);
	}

	get channel() {
		return this.getAttribute('channel');
	}

	set channel(value) {
		this.setAttribute('channel', value);
	}

	// stopped, connecting, buffering, live, reconnecting, offair, unsupported, or error (the element could not load).
	get state() {
		return this.#state;
	}

	get stats() {
		return this.#player ? this.#player.stats : { state: this.#state };
	}

	get volume() {
		return this.#player ? this.#player.volume : this.#pending.volume ?? 1;
	}

	set volume(value) {
		const volume = Math.min(1, Math.max(0, Number(value)));
		if (this.#player) {
			this.#player.setVolume(volume);
		} else {
			this.#pending.volume = volume;
		}
	}

	get muted() {
		return this.#player ? this.#player.muted : this.#pending.muted ?? false;
	}

	set muted(value) {
		if (this.#player) {
			this.#player.setMuted(Boolean(value));
		} else {
			this.#pending.muted = Boolean(value);
		}
	}

	// Starts playback; call it from a click or key press (browsers allow sound only then). Resolves once playback
	// was started (which is not yet sound: see `statechange`), rejects when the player could not load.
	async play() {
		const player = await this.#ready();
		player.start();
	}

	pause() {
		this.#player?.stop();
	}

	async #ready() {
		await this.#loading;
		if (!this.#player) {
			throw new Error('obs-sse-audio: the player did not load');
		}
		return this.#player;
	}

	#reload() {
		const generation = ++this.#generation;
		this.#player?.dispose();
		this.#player = null;
		this.#render(); // also clears an earlier load's error
		this.#setState('stopped');
		this.#loading = this.#load(generation);
	}

	async #load(generation) {
		let modules;
		try {
			modules = await Promise.all(['./player.js', './ui.js', './i18n.js', './transport.js']
				.map((name) => import(new URL(name, BASE).href)));
		} catch {
			if (generation === this.#generation) {
				// i18n.js could not load either: the first language asked for, Chinese or English.
				await this.#showLoadError(/^zh\b/i.test(languagesFor(this)[0] ?? '') ? 'zh' : 'en', generation);
			}
			return;
		}
		if (generation !== this.#generation) {
			return;
		}
		const [{ Player }, { PlayerView }, { chooseLanguage, stringsFor }, { endpointsFor }] = modules;
		const language = chooseLanguage(languagesFor(this));
		const strings = stringsFor(language);
		const root = this.#shadow.getElementById('player');
		const element = this;
		// The page's view, told to report what the element's listeners need.
		class ElementView extends PlayerView {
			#showing = new Set(); // notice sources on show: `error` fires when one appears, not on every update

			showState(state) {
				super.showState(state);
				element.#setState(state);
			}

			setNotice(source, text) {
				super.setNotice(source, text);
				if (!text) {
					this.#showing.delete(source);
				} else if (!this.#showing.has(source)) {
					// The player repeats a notice at each status poll and refreshes a figure in it (how far
					// behind a slow link is): a page hears of the problem once, and again after it cleared.
					this.#showing.add(source);
					element.#fire('error', { code: source, message: text });
				}
			}
		}
		const view = new ElementView(root, strings, language, { inPage: false });
		const asked = Number.parseInt(this.getAttribute('buffer') ?? '', 10);
		const bufferMs = Number.isFinite(asked) ? Math.min(2000, Math.max(20, asked)) : null;
		const src = this.src;
		this.#player = new Player(view, strings, endpointsFor(src), bufferMs, {
			base: src,
			inPage: false,
			channel: () => this.getAttribute('channel'),
		});
		if (this.#pending.volume !== null) {
			this.#player.setVolume(this.#pending.volume);
		}
		if (this.#pending.muted !== null) {
			this.#player.setMuted(this.#pending.muted);
		}
		this.#pending = { volume: null, muted: null };
		await this.#player.choosePath(this.getAttribute('engine'));
	}

	// The player's modules did not load: the server refuses this page's origin (it answers, but without CORS), or
	// nothing answers at all.
	async #showLoadError(language, generation) {
		const origin = location.origin;
		const server = new URL(this.src).origin;
		const reachable = await answers(new URL('embed.js', BASE).href);
		if (generation !== this.#generation) {
			return;
		}
		const code = reachable ? 'origin-not-allowed' : 'unreachable';
		const template = LOAD_ERRORS[language][reachable ? 'originNotAllowed' : 'unreachable'];
		const message = template.replaceAll('{origin}', origin).replaceAll('{server}', server);
		const notice = this.#shadow.getElementById('notice');
		notice.textContent = message;
		notice.hidden = false;
		this.#shadow.getElementById('player').dataset.state = 'error';
		this.#setState('error');
		this.#fire('error', { code, message });
	}

	#setState(state) {
		if (state !== this.#state) {
			this.#state = state;
			this.#fire('statechange', { state });
		}
	}

	#fire(type, detail) {
		this.dispatchEvent(new CustomEvent(type, { detail }));
	}
}

if (!customElements.get('obs-sse-audio')) {
	customElements.define('obs-sse-audio', ObsSseAudioElement);
}
