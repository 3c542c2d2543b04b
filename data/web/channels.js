// The stream's channels (docs/channels.md): which ones the server has, which one this listener hears, and the
// addresses that carry the choice. Knows nothing about playback or the page.
//
// A server with one channel, an older plugin without /channels.json, or a relay that does not pass it on: no
// choice at all, and no `channel` on any request, so the page behaves exactly as before channels existed.

const FETCH_TIMEOUT_MS = 1500;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/; // the plugin's rule for ids (docs/channels.md)

// The channel list of a /channels.json answer: [{id, name}] in the server's order, entries that break the rules
// left out. Empty when the answer is not one.
export function parseChannels(json) {
	const list = Array.isArray(json?.channels) ? json.channels : [];
	const seen = new Set();
	const channels = [];
	for (const entry of list) {
		const id = typeof entry?.id === 'string' ? entry.id : '';
		if (!ID_PATTERN.test(id) || seen.has(id)) {
			continue;
		}
		seen.add(id);
		const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name : id;
		channels.push({ id, name });
	}
	return channels;
}

// The channel to play: the page address's `?channel=` when the server has it (a link someone shared wins), else the
// one this browser chose last time when the server still has it, else the first (the server's default). null with
// fewer than two channels: then no channel is asked for at all.
export function chooseChannel(channels, fromAddress, stored) {
	if (channels.length < 2) {
		return null;
	}
	const has = (id) => channels.some((channel) => channel.id === id);
	if (fromAddress && has(fromAddress)) {
		return fromAddress;
	}
	if (stored && has(stored)) {
		return stored;
	}
	return channels[0].id;
}

// `url` asking for channel `id`; unchanged for null (the server's first channel, and every server before channels).
export function withChannel(url, id) {
	if (!id) {
		return url;
	}
	const address = new URL(url);
	address.searchParams.set('channel', id);
	return address.href;
}

// Fetches /channels.json: {channels} (possibly empty), or {httpStatus} when the server refused (401: the key), or
// {channels: []} when there is none to read (404 from an older plugin, a relay, a network error), bounded in time so
// that the Play button never waits on it for long.
export async function fetchChannels(url) {
	const abort = new AbortController();
	const timeout = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
	try {
		const response = await fetch(url, { cache: 'no-store', signal: abort.signal });
		if (response.status === 401 || response.status === 403) {
			return { channels: [], httpStatus: response.status };
		}
		if (!response.ok) {
			return { channels: [] };
		}
		return { channels: parseChannels(await response.json()) };
	} catch {
		return { channels: [] };
	} finally {
		clearTimeout(timeout);
	}
}
