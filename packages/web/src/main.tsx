import './mantine-styles.css';
import './global.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { isApiError } from './api/api-error.js';
import { OperatorApp } from './app/OperatorApp.js';
import { useLocation } from './router/router.js';

const SelfServiceApp = lazy(() => import('./app/SelfServiceApp.js'));

const theme = createTheme({
  primaryColor: 'indigo',
  // indigo.8: white text on filled buttons and links on white both reach WCAG AA (indigo.6 does not).
  primaryShade: { light: 8, dark: 8 },
  // Dialogs and menus appear without animation for people who ask their system for less motion.
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network blip might.
      retry: (failures, error) =>
        failures < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
    mutations: { retry: false },
  },
});

function Root() {
  const { pathname } = useLocation();
  if (pathname === '/self-service' || pathname.startsWith('/self-service/')) {
    return (
      <Suspense fallback={null}>
        <SelfServiceApp />
      </Suspense>
    );
  }
  return <OperatorApp />;
}

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <QueryClientProvider client={queryClient}>
          <Root />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
