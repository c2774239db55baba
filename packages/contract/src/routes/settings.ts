/** Installation-wide settings: the offline-unblock switch, the second-factor policy. */
import { Settings, UpdateSettingsBody } from '../schemas/settings.js';
import { defineRoute } from './route.js';

const tags = ['settings'];

export const settings = {
  get: defineRoute({
    method: 'GET',
    path: '/api/v1/settings',
    summary: 'Installation-wide settings: the offline-unblock switch, whether email is sent',
    tags,
    auth: 'bearer',
    responses: { 200: Settings },
    errors: [],
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/api/v1/settings',
    summary:
      'Turn offline unblock on or off for the whole installation; require a second factor for admins or supervisors (admin; audited)',
    tags,
    auth: 'bearer',
    body: UpdateSettingsBody,
    responses: { 200: Settings },
    errors: [],
  }),
};
