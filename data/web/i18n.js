// Every user-visible string of the player, in English and Chinese, chosen from the browser's language.
// `{value}` marks a value filled in at run time.

const STRINGS = {
	en: {
		pageTitle: 'Live audio',
		subtitle: 'Live audio',
		play: 'Play',
		pause: 'Pause',
		playLabel: 'Play live audio',
		pauseLabel: 'Pause live audio',
		volume: 'Volume',
		channel: 'Language',
		floorOn: 'Hear the floor underneath',
		floorVolume: 'Floor volume',
		mute: 'Mute',
		unmute: 'Unmute',
		meterLabel: 'Sound level',
		meterSilent: 'No sound',
		meterLevel: 'Level {value} dB',
		delay: 'Delay',
		buffer: 'Buffer',
		bitrate: 'Bitrate',
		listeners: 'Listeners',
		none: '–',
		kbps: '{value} kbps',
		ms: '{value} ms',
		state: {
			stopped: 'Press Play to listen',
			connecting: 'Connecting…',
			live: 'Live',
			buffering: 'Buffering…',
			reconnecting: 'Reconnecting…',
			offair: 'The stream is stopped; it comes back by itself',
			unsupported: 'This browser cannot play the stream',
		},
		path: {
			mse: 'Playback: low-delay stream (Media Source Extensions)',
			managed: 'Playback: low-delay stream (Managed Media Source)',
			webcodecs: 'Playback: low-delay stream (WebCodecs and Web Audio)',
			webaudio: 'Playback: low-delay stream (Web Audio)',
			element: 'Playback: plain MP3 stream. This browser cannot use the low-delay path here, so expect a few seconds of delay.',
			none: 'This browser can play neither the low-delay stream nor the plain MP3 stream. Try a current Chrome, Edge, Firefox or Safari.',
		},
		pathName: {
			webcodecs: 'WebCodecs',
			webaudio: 'Web Audio',
			mse: 'Media Source',
			managed: 'Managed Media Source',
			element: 'the plain MP3 stream',
		},
		notice: {
			fellBack: 'No sound came through {value} in this browser, so the player switched to another way of playing.',
			noSound: 'This browser gives no sound for this stream in any way the player knows. Try another browser.',
			pathMissing: 'This browser has no {value}; the player uses the best way it has.',
			linkTooSlow: 'Your connection is too slow for this stream: the sound is {value} s behind and may break up. A faster network (or Wi-Fi) helps.',
			keyNeeded: 'This stream needs an access key. Enter the key you were given below.',
			keyRejected: 'The server refused the access key. Check it and enter it again.',
			unreachable: 'Cannot reach the server. Trying again…',
			notRunning: 'The stream is not running right now.',
			playRefused: 'The browser refused to start playback: {value}',
			decodeFailed: 'The browser could not decode the audio; playback restarted.',
		},
		keysHint: 'Space: play or pause · M: mute',
		keyLabel: 'Access key',
		keyUse: 'Listen',
	},
	zh: {
		pageTitle: '直播音频',
		subtitle: '直播音频',
		play: '播放',
		pause: '暂停',
		playLabel: '播放直播音频',
		pauseLabel: '暂停直播音频',
		volume: '音量',
		channel: '语言',
		floorOn: '同时收听原声',
		floorVolume: '原声音量',
		mute: '静音',
		unmute: '取消静音',
		meterLabel: '音量电平',
		meterSilent: '无声音',
		meterLevel: '电平 {value} dB',
		delay: '延迟',
		buffer: '缓冲',
		bitrate: '码率',
		listeners: '听众',
		none: '–',
		kbps: '{value} kbps',
		ms: '{value} 毫秒',
		state: {
			stopped: '按“播放”开始收听',
			connecting: '正在连接…',
			live: '直播中',
			buffering: '正在缓冲…',
			reconnecting: '正在重新连接…',
			offair: '直播已停止，恢复后会自动继续',
			unsupported: '此浏览器无法播放该音频流',
		},
		path: {
			mse: '播放方式：低延迟音频流（Media Source Extensions）',
			managed: '播放方式：低延迟音频流（Managed Media Source）',
			webcodecs: '播放方式：低延迟音频流（WebCodecs 与 Web Audio）',
			webaudio: '播放方式：低延迟音频流（Web Audio）',
			element: '播放方式：普通 MP3 音频流。此浏览器在这里无法使用低延迟方式，延迟会有几秒。',
			none: '此浏览器既不能播放低延迟音频流，也不能播放普通 MP3 音频流。请使用新版 Chrome、Edge、Firefox 或 Safari。',
		},
		pathName: {
			webcodecs: 'WebCodecs',
			webaudio: 'Web Audio',
			mse: 'Media Source',
			managed: 'Managed Media Source',
			element: '普通 MP3 音频流',
		},
		notice: {
			fellBack: '此浏览器通过 {value} 播放没有声音，播放器已改用另一种播放方式。',
			noSound: '此浏览器用播放器已知的任何方式都无法发出这个音频流的声音。请换一个浏览器试试。',
			pathMissing: '此浏览器没有 {value}，播放器改用它支持的最佳方式。',
			linkTooSlow: '您的网络太慢，跟不上这个音频流：声音已落后 {value} 秒，可能断断续续。换用更快的网络（或 Wi-Fi）会有帮助。',
			keyNeeded: '此音频流需要访问密钥。请在下方输入您获得的密钥。',
			keyRejected: '服务器拒绝了该访问密钥。请检查后重新输入。',
			unreachable: '无法连接服务器，正在重试…',
			notRunning: '音频流目前没有运行。',
			playRefused: '浏览器拒绝开始播放：{value}',
			decodeFailed: '浏览器无法解码音频，已重新开始播放。',
		},
		keysHint: '空格：播放或暂停 · M：静音',
		keyLabel: '访问密钥',
		keyUse: '收听',
	},
};

// The first of the browser's preferred languages that the player speaks; English otherwise.
export function chooseLanguage(languages) {
	for (const tag of languages || []) {
		const base = String(tag).toLowerCase().split('-')[0];
		if (base in STRINGS) {
			return base;
		}
	}
	return 'en';
}

export function stringsFor(language) {
	return STRINGS[language] || STRINGS.en;
}

export function format(template, value) {
	return template.replace('{value}', String(value));
}

export const LANGUAGES = Object.keys(STRINGS);
