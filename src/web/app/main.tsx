// Starts the webmail in the page the server sent (index.html).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { setupI18n } from './i18n/index.js';
import './styles.css';
import './small-screens.css';

setupI18n();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
