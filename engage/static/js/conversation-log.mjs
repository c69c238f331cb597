// The stand form, enhanced: save without leaving the page so officers can log the
// next conversation straight away, and never lose an entry when the connection
// drops. The form works without this script as an ordinary form.
//
// Every form carries an idempotency key. A retry after a failure sends the same key,
// so the server saves the entry once even if the first attempt did arrive.

const NOT_SAVED_OFFLINE = "Not saved – check your connection and try again";
const NOT_SAVED_SERVER = "Not saved – there is a problem with the service. Try again";
const NOT_SAVED_SESSION =
  "Not saved – you may have been signed out. Copy what you typed, then refresh the page";

const form = document.querySelector("form[data-stand-form]");
if (form) {
  enhance(form);
}

function enhance(form) {
  const messages = document.getElementById("stand-form-messages");
  const count = document.getElementById("logged-count");
  const button = form.querySelector("button");
  const title = document.title.replace(/^Error: /, "");
  let saving = false;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) {
      return; // a second tap while the first save is on its way
    }
    saving = true;
    button.setAttribute("aria-disabled", "true");
    try {
      await save();
    } finally {
      saving = false;
      button.removeAttribute("aria-disabled");
    }
  });

  async function save() {
    let response;
    let result;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      return showProblems([{ text: NOT_SAVED_OFFLINE, href: "#summary" }]);
    }
    const type = response.headers.get("Content-Type") || "";
    if (!type.includes("application/json")) {
      const text = response.status >= 500 ? NOT_SAVED_SERVER : NOT_SAVED_SESSION;
      return showProblems([{ text, href: "#summary" }]);
    }
    try {
      result = await response.json();
    } catch {
      return showProblems([{ text: NOT_SAVED_OFFLINE, href: "#summary" }]);
    }
    if (result.saved) {
      return showSaved(result);
    }
    return showProblems(result.errors, true);
  }

  function showSaved(result) {
    clearMessages();
    document.title = title;
    clearForm();
    form.elements.idempotency_key.value = result.idempotency_key;
    if (count) {
      count.textContent = result.count;
    }
    messages.append(successBanner(result.message));
    form.elements.summary.focus();
  }

  function showProblems(errors, inline = false) {
    clearMessages();
    document.title = "Error: " + title;
    messages.append(errorSummary(errors));
    if (inline) {
      errors.forEach(markField);
    }
    messages.querySelector(".govuk-error-summary").focus();
  }

  function clearMessages() {
    // Banners from the last page load and messages from the last attempt.
    document
      .querySelectorAll("main .govuk-notification-banner, main .govuk-error-summary")
      .forEach((element) => element.remove());
    form.querySelectorAll(".govuk-error-message[data-stand-form-error]").forEach((element) => {
      element.remove();
    });
    form.querySelectorAll(".govuk-form-group--error").forEach((group) => {
      group.classList.remove("govuk-form-group--error");
    });
    form
      .querySelectorAll(".govuk-input--error, .govuk-textarea--error, .govuk-select--error")
      .forEach((element) => {
        element.classList.remove("govuk-input--error", "govuk-textarea--error", "govuk-select--error");
      });
  }

  function clearForm() {
    for (const element of form.elements) {
      if (element.type === "hidden" || element.tagName === "BUTTON") {
        continue;
      }
      if (element.type === "checkbox") {
        element.checked = false;
      } else if (element.type === "radio") {
        element.checked = element.value === "neutral";
      } else if (element.tagName === "SELECT") {
        element.selectedIndex = 0;
      } else {
        element.value = "";
      }
    }
    // Fold away "They want a reply" details, as GOV.UK's checkboxes would on a click.
    form.querySelectorAll("input[aria-controls]").forEach((input) => {
      const revealed = document.getElementById(input.getAttribute("aria-controls"));
      if (revealed) {
        revealed.classList.toggle("govuk-checkboxes__conditional--hidden", !input.checked);
        input.setAttribute("aria-expanded", String(input.checked));
      }
    });
  }

  function markField(error) {
    const control = form.querySelector(`[name="${CSS.escape(error.field)}"]`);
    const group = control && control.closest(".govuk-form-group");
    if (!group) {
      return;
    }
    group.classList.add("govuk-form-group--error");
    const message = document.createElement("p");
    message.className = "govuk-error-message";
    message.id = `${error.field}-stand-error`;
    message.dataset.standFormError = "";
    const hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error: ";
    message.append(hidden, error.text);
    const choices = group.querySelector(".govuk-checkboxes, .govuk-radios");
    (choices || control).before(message);
    if (!choices) {
      control.classList.add(
        { TEXTAREA: "govuk-textarea--error", SELECT: "govuk-select--error" }[control.tagName] ||
          "govuk-input--error",
      );
    }
  }
}

function errorSummary(errors) {
  const summary = document.createElement("div");
  summary.className = "govuk-error-summary";
  summary.tabIndex = -1;
  const alert = document.createElement("div");
  alert.setAttribute("role", "alert");
  const heading = document.createElement("h2");
  heading.className = "govuk-error-summary__title";
  heading.textContent = "There is a problem";
  const body = document.createElement("div");
  body.className = "govuk-error-summary__body";
  const list = document.createElement("ul");
  list.className = "govuk-list govuk-error-summary__list";
  for (const error of errors) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = error.href;
    link.textContent = error.text;
    item.append(link);
    list.append(item);
  }
  body.append(list);
  alert.append(heading, body);
  summary.append(alert);
  return summary;
}

function successBanner(text) {
  const banner = document.createElement("div");
  banner.className = "govuk-notification-banner govuk-notification-banner--success";
  banner.setAttribute("role", "alert");
  banner.setAttribute("aria-labelledby", "stand-form-saved-title");
  const header = document.createElement("div");
  header.className = "govuk-notification-banner__header";
  const title = document.createElement("h2");
  title.className = "govuk-notification-banner__title";
  title.id = "stand-form-saved-title";
  title.textContent = "Success";
  header.append(title);
  const content = document.createElement("div");
  content.className = "govuk-notification-banner__content";
  const heading = document.createElement("p");
  heading.className = "govuk-notification-banner__heading";
  heading.textContent = text;
  content.append(heading);
  banner.append(header, content);
  return banner;
}
