// The dashboard's shared DOM and admin-token helpers, loaded before every other script
// (plain browser JavaScript, no build step: ADR 0013). One copy, so the feed, the journey
// and the faults card build elements and send the token the same way.
'use strict';

(() => {
  // The admin token: asked for on the page, kept for this tab's session only.
  //
  // sessionStorage, not localStorage or a cookie: it is gone when the tab closes, it is
  // never sent by the browser on its own (so another site cannot make this browser use it),
  // and only this origin's scripts can read it. It goes out as a bearer header, to /admin only.
  const TOKEN_KEY = 'switchyard.adminToken';
  const adminToken = () => sessionStorage.getItem(TOKEN_KEY) ?? '';

  const $ = (id) => document.getElementById(id);

  window.SwitchyardPage = Object.freeze({
    TOKEN_KEY,
    $,
    adminToken,
    /** The bearer header when a token is set, none otherwise. */
    authorization: () => (adminToken() ? { authorization: `Bearer ${adminToken()}` } : {}),
    /** An element with text content (never innerHTML: values come from the network). */
    el(tag, text, className) {
      const node = document.createElement(tag);
      if (text !== undefined && text !== null) node.textContent = String(text);
      if (className) node.className = className;
      return node;
    },
    /** Puts `text` in the status line `id`, marked as an error or not. */
    say(id, text, isError = false) {
      const node = $(id);
      node.textContent = text;
      node.classList.toggle('error', isError);
    },
  });
})();
