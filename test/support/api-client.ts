// A browser-like JSON client for the API over a real socket: keeps cookies as a browser would (per name), sends the CSRF token on changes.
export interface APIResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  /** Set-Cookie lines of this response, as sent. */
  setCookies: string[];
}

export class APIClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(
    readonly baseURL: string,
    readonly userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  ) {}

  /** A second browser that shares nothing with this one. */
  fresh(userAgent?: string): APIClient {
    return new APIClient(this.baseURL, userAgent ?? this.userAgent);
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<APIResponse<T>> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...options.headers };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && options.csrf !== false && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(new URL(path, this.baseURL), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const parsed = (text === '' ? {} : JSON.parse(text)) as T & { csrfToken?: string };
    if (typeof parsed === 'object' && parsed !== null && typeof parsed.csrfToken === 'string') this.csrfToken = parsed.csrfToken;
    return { status: response.status, body: parsed, headers: response.headers, setCookies };
  }
}
