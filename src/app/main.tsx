import './styles/tokens.css';
import './styles/base.css';
import { Navigate, Route, Router, useLocation } from '@solidjs/router';
import type { JSX } from 'solid-js';
import { render } from 'solid-js/web';
import NotFoundPage from './pages/NotFoundPage';
import { assertPagesValid, PAGES, type PageDef } from './pages';
import { PageFrame } from './shell/PageFrame';
import { Shell } from './shell/Shell';

assertPagesValid(PAGES);

/** Old route names from the original app redirect, keeping the query (e.g. ?trace=). */
function Alias(props: { to: string }): JSX.Element {
  const location = useLocation();
  return <Navigate href={`${props.to}${location.search}${location.hash}`} />;
}

function pageRoutes(page: PageDef): JSX.Element {
  return (
    <>
      <Route path={page.route} component={() => <PageFrame page={page} />} />
      {page.aliases.map((a) => (
        <Route path={a} component={() => <Alias to={page.route} />} />
      ))}
    </>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

render(
  () => (
    <Router root={Shell}>
      <Route path="/" component={() => <Navigate href="/dashboard" />} />
      {PAGES.map(pageRoutes)}
      <Route path="*404" component={NotFoundPage} />
    </Router>
  ),
  root,
);
