import { Settings, UpdateSettingsBody } from '@cardwarden/contract';
import { operatorOf, requireOperator } from '../http/auth-guard.js';
import { bearer, errorResponses } from '../http/responses.js';
import type { App } from '../http/types.js';
import type { ServiceContext } from '../services/context.js';
import { getSettings, updateSettings } from '../services/settings.service.js';

export function registerSettingsRoutes(app: App, ctx: ServiceContext): void {
  const tags = ['settings'];
  app.get(
    '/api/v1/settings',
    {
      schema: {
        tags,
        summary: 'Installation-wide settings: the offline-unblock switch, whether email is sent',
        security: bearer,
        response: { 200: Settings, ...errorResponses },
      },
      preHandler: requireOperator(ctx),
    },
    () => getSettings(ctx),
  );
  app.patch(
    '/api/v1/settings',
    {
      schema: {
        tags,
        summary:
          'Turn offline unblock on or off for the whole installation; require a second factor for admins or supervisors (admin; audited)',
        security: bearer,
        body: UpdateSettingsBody,
        response: { 200: Settings, ...errorResponses },
      },
      preHandler: requireOperator(ctx, 'admin'),
    },
    (request) => updateSettings(ctx, operatorOf(request), request.body),
  );
}
