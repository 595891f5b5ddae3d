import { describe, expect, it } from 'vitest';
import { parseNginxAccess } from '../../../src/parser/formats/nginx-access.js';
import { ctx, us } from '../helpers.js';

describe('nginx_access', () => {
  it('parses the combined layout and the main layout with x-forwarded-for', () => {
    const p = parseNginxAccess(
      '93.184.216.34 - - [27/Nov/2026:11:59:59 +0000] "GET /api/items?page=2 HTTP/2.0" 200 1534 "https://shop.example/" "Mozilla/5.0" "10.0.0.5, 10.0.0.6"',
      ctx,
    );
    expect(p?.format).toBe('nginx_access');
    expect(p?.ts).toBe(us('2026-11-27T11:59:59Z'));
    expect(p?.fields).toMatchObject({
      path: '/api/items?page=2',
      status: 200,
      bytes: 1534,
      user_agent: 'Mozilla/5.0',
    });
  });

  it('parses the common layout', () => {
    const p = parseNginxAccess('::1 - - [27/Nov/2026:11:59:59 +0000] "GET / HTTP/1.1" 499 0', ctx);
    expect(p?.format).toBe('nginx_access');
    expect(p?.level).toBe('warn');
  });
});
