// The ballot, enhanced: a running total as voters tick projects on a budget ballot
// or share points on a points ballot. The server checks every ballot whatever this
// shows; without JavaScript the form works the same and explains any problem.

const form = document.querySelector("form[data-ballot]");
const total = document.getElementById("running-total");

if (form && total) {
  const checkboxes = form.querySelectorAll("input[type=checkbox][data-cost]");
  const pointsGroup = form.querySelector("[data-points]");
  if (checkboxes.length && total.dataset.budget) {
    const budget = Number(total.dataset.budget);
    const update = () => showBudget(total, checkboxes, budget);
    checkboxes.forEach((box) => box.addEventListener("change", update));
    update();
  } else if (pointsGroup) {
    const allowed = Number(pointsGroup.dataset.points);
    const inputs = pointsGroup.querySelectorAll("input");
    const update = () => showPoints(total, inputs, allowed);
    inputs.forEach((input) => input.addEventListener("input", update));
    update();
  }
}

function pounds(pence) {
  const whole = Math.floor(Math.abs(pence) / 100).toLocaleString("en-GB");
  const part = Math.abs(pence) % 100;
  return `${pence < 0 ? "-" : ""}£${whole}${part ? "." + String(part).padStart(2, "0") : ""}`;
}

function showBudget(element, checkboxes, budget) {
  let spent = 0;
  checkboxes.forEach((box) => {
    if (box.checked) {
      spent += Number(box.dataset.cost);
    }
  });
  const left = budget - spent;
  element.hidden = false;
  element.textContent =
    left >= 0
      ? `You have chosen projects costing ${pounds(spent)} of ${pounds(budget)}. ${pounds(left)} left.`
      : `You have chosen projects costing ${pounds(spent)}, which is ${pounds(-left)} more than the budget of ${pounds(budget)}. Remove a project.`;
  element.classList.toggle("govuk-error-message", left < 0);
}

function showPoints(element, inputs, allowed) {
  let given = 0;
  inputs.forEach((input) => {
    const value = Number.parseInt(input.value, 10);
    if (Number.isInteger(value) && value > 0) {
      given += value;
    }
  });
  const left = allowed - given;
  element.hidden = false;
  element.textContent =
    left >= 0
      ? `You have given ${given} of your ${allowed} points. ${left} left.`
      : `You have given ${given} points, which is ${-left} more than your ${allowed}. Take some away.`;
  element.classList.toggle("govuk-error-message", left < 0);
}
