// The small Page API the shared checks (player-checks.mjs) use, over a selenium-webdriver session on WebKitGTK:
// goto, click, evaluate, screenshot and close, so that the Chromium and Firefox checks run unchanged on WebKit.
//
// Script errors: WebDriver classic has no evaluateOnNewDocument, WebKitWebDriver offers no BiDi (the webSocketUrl
// capability fails to match) and no log endpoint, and MiniBrowser does not print console messages in automation
// mode. So goto() installs the error listeners as soon as the page has loaded: errors thrown while the page's
// scripts first run are missed (they show as a page that never sets up window.sseAudio), everything after is kept.
// Before leaving a page goto() keeps its errors (errorsOfEarlierPages).

import fs from 'node:fs';

import { By } from 'selenium-webdriver';

// Runs in the page: collects uncaught errors and unhandled rejections in window.__pageErrors, once per document.
const COLLECT_ERRORS = `
	if (!window.__pageErrors) {
		window.__pageErrors = [];
		window.addEventListener('error', (event) => window.__pageErrors.push(String(event.message)));
		window.addEventListener('unhandledrejection', (event) => window.__pageErrors.push(String(event.reason)));
	}
`;

export class WebKitPage {
	#driver;
	#close;
	#earlierErrors = [];

	// driver: a selenium WebDriver; close: ends the session and the browser (from launchWebKit)
	constructor(driver, close) {
		this.#driver = driver;
		this.#close = close;
	}

	get driver() {
		return this.#driver;
	}

	async goto(url) {
		this.#earlierErrors.push(...(await this.#currentErrors()));
		await this.#driver.get(url);
		await this.#driver.executeScript(COLLECT_ERRORS);
	}

	// Uncaught errors and unhandled rejections of the pages this Page left; the current page's are in
	// window.__pageErrors (read them with a bounded evaluate).
	get errorsOfEarlierPages() {
		return [...this.#earlierErrors];
	}

	async #currentErrors() {
		return (await this.#driver.executeScript('return window.__pageErrors || [];')) ?? [];
	}

	// A WebDriver element click: WebKit synthesizes real input events for it, so the page sees a user gesture.
	async click(selector) {
		await this.#driver.findElement(By.css(selector)).click();
	}

	// Like playwright's and puppeteer's: a function is called in the page with `args` (JSON values); a string is
	// evaluated as an expression. WebDriver waits for a returned promise and gives back its JSON value.
	async evaluate(fn, ...args) {
		if (typeof fn === 'function') {
			return this.#driver.executeScript(`return (${fn}).apply(null, arguments);`, ...args);
		}
		return this.#driver.executeScript('return (0, eval)(arguments[0]);', String(fn));
	}

	// The viewport (WebDriver has no full-page screenshot; `fullPage` is accepted and ignored).
	async screenshot({ path }) {
		const png = Buffer.from(await this.#driver.takeScreenshot(), 'base64');
		if (path) {
			fs.writeFileSync(path, png);
		}
		return png;
	}

	async close() {
		await this.#close();
	}
}
