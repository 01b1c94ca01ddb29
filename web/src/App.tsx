import { MantineProvider, Notification, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { ApiError } from './api/client';
import { SignIn } from './auth/SignIn';
import { SessionProvider, useMe } from './auth/session';
import { ErrorState, Loading } from './components/States';
import { Shell } from './layout/Shell';
import { pages } from './pages';

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
  components: {
    // Every notification's close button is named for screen readers.
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } }),
  },
});

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

function Gate() {
  const me = useMe();
  if (me.isLoading) return <Loading label="Starting" />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  if (!me.data) return <SignIn />;
  return (
    <SessionProvider me={me.data}>
      <Routes>
        <Route element={<Shell />}>
          {pages.map((p) => (
            <Route key={p.path} path={p.path} element={<p.element />} />
          ))}
        </Route>
      </Routes>
    </SessionProvider>
  );
}

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={makeQueryClient()}>
        <BrowserRouter>
          <Gate />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
