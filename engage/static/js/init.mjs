// Start the GOV.UK Frontend components (error summary focus, service navigation menu, ...).
// GOV.UK's page template marks support with an inline script; a strict CSP forbids
// inline scripts, and any browser running this module supports GOV.UK Frontend.
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
