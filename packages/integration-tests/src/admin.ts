/** The administrator every test server creates at its first start (in process or as a child process). */
export const ADMIN = { username: 'admin', password: 'correct horse battery staple' } as const;
