// Start the GOV.UK Frontend components (error summary focus, service navigation menu, ...).
import { initAll } from "../build/govuk-frontend.min.js";

initAll();
