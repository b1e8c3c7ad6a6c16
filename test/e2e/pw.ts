// playwright-core lives in the e2e tool cache, not in the project's node_modules (it is only needed here),
// so it is imported by path at run time. The few types the harness uses are declared here so the
// project type-checks on a clean clone before the cache exists.
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface LocatorOptions { hasText?: string | RegExp; hasNotText?: string | RegExp; has?: Locator; hasNot?: Locator }

export interface Locator {
  click(opts?: { timeout?: number; position?: { x: number; y: number }; force?: boolean; button?: 'left' | 'right' | 'middle' }): Promise<void>;
  hover(opts?: { timeout?: number; position?: { x: number; y: number }; force?: boolean }): Promise<void>;
  fill(text: string, opts?: { timeout?: number }): Promise<void>;
  press(key: string, opts?: { timeout?: number }): Promise<void>;
  waitFor(opts?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  isVisible(): Promise<boolean>;
  isDisabled(): Promise<boolean>;
  count(): Promise<number>;
  first(): Locator;
  last(): Locator;
  nth(i: number): Locator;
  locator(selector: string, opts?: LocatorOptions): Locator;
  filter(opts: LocatorOptions): Locator;
  getByText(text: string | RegExp, opts?: { exact?: boolean }): Locator;
  getByRole(role: string, opts?: { name?: string | RegExp; exact?: boolean }): Locator;
  getByTestId(id: string | RegExp): Locator;
  getAttribute(name: string): Promise<string | null>;
  textContent(): Promise<string | null>;
  inputValue(opts?: { timeout?: number }): Promise<string>;
  innerText(): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the callback runs in the page, on DOM elements of any kind
  evaluate<R, A = unknown>(fn: (el: any, arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  evaluateAll<R, A = unknown>(fn: (els: any[], arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  screenshot(opts?: { path?: string; timeout?: number }): Promise<Buffer>;
  scrollIntoViewIfNeeded(opts?: { timeout?: number }): Promise<void>;
}

export interface FrameLocator {
  locator(selector: string, opts?: LocatorOptions): Locator;
  first(): FrameLocator;
  last(): FrameLocator;
  nth(i: number): FrameLocator;
  frameLocator(selector: string): FrameLocator;
  getByTestId(id: string | RegExp): Locator;
  getByText(text: string | RegExp, opts?: { exact?: boolean }): Locator;
  getByRole(role: string, opts?: { name?: string | RegExp; exact?: boolean }): Locator;
}

export interface ConsoleMessage { type(): string; text(): string; location(): { url: string } }

export interface Frame { url(): string; name(): string; evaluate<T>(fn: () => T): Promise<T> }

export interface Page {
  goto(url: string, opts?: { timeout?: number; waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit' }): Promise<unknown>;
  locator(selector: string, opts?: LocatorOptions): Locator;
  frameLocator(selector: string): FrameLocator;
  getByText(text: string | RegExp, opts?: { exact?: boolean }): Locator;
  getByRole(role: string, opts?: { name?: string | RegExp; exact?: boolean }): Locator;
  keyboard: { press(key: string): Promise<void>; type(text: string, opts?: { delay?: number }): Promise<void>; down(key: string): Promise<void>; up(key: string): Promise<void> };
  mouse: { move(x: number, y: number, opts?: { steps?: number }): Promise<void>; click(x: number, y: number): Promise<void>; down(): Promise<void>; up(): Promise<void> };
  screenshot(opts?: { path?: string; fullPage?: boolean; timeout?: number }): Promise<Buffer>;
  waitForTimeout(ms: number): Promise<void>;
  on(event: 'console', fn: (m: ConsoleMessage) => void): void;
  on(event: 'pageerror', fn: (e: Error) => void): void;
  on(event: 'crash' | 'close', fn: () => void): void;
  frames(): Frame[];
  evaluate<R, A = unknown>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  setDefaultTimeout(ms: number): void;
}

export interface BrowserContext { newPage(): Promise<Page>; close(): Promise<void> }

export interface Browser { newContext(opts?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>; close(): Promise<void> }

export interface Chromium {
  launch(opts: { executablePath: string; headless: boolean; args: string[]; timeout?: number; env?: Record<string, string> }): Promise<Browser>;
}

export function loadChromium(playwrightCoreDir: string): Chromium {
  const req = createRequire(join(playwrightCoreDir, 'package.json'));
  return (req(playwrightCoreDir) as { chromium: Chromium }).chromium;
}
