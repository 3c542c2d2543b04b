// The obs-sse-audio player page: its view (ui.js) on the page's markup, the player (player.js: the engines,
// fallbacks and recovery, shared with the <obs-sse-audio> element of embed.js), and read-only figures at
// window.sseAudio.stats.

import { chooseLanguage, stringsFor } from './i18n.js';
import { Player } from './player.js';
import { endpointsFor } from './transport.js';
import { PlayerView } from './ui.js';

async function boot() {
	const root = document.getElementById('player');
	if (!root) {
		return; // imported as a library, not running the page
	}
	const language = chooseLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
	const strings = stringsFor(language);
	const view = new PlayerView(root, strings, language);
	// `?buffer=MS` fixes the target buffer (e.g. more on a shaky network); without it the target adapts.
	const params = new URL(location.href).searchParams;
	const asked = Number.parseInt(params.get('buffer') ?? '', 10);
	const bufferMs = Number.isFinite(asked) ? Math.min(2000, Math.max(20, asked)) : null;
	const player = new Player(view, strings, endpointsFor(location.href), bufferMs);
	window.sseAudio = Object.freeze({
		language,
		get stats() {
			return player.stats;
		},
		analyse: () => player.analyse(),
	});
	await player.choosePath(params.get('engine'));
}

boot();
