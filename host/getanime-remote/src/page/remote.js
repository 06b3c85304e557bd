// The phone remote's page: pair with the TV's code (or the QR code's secret in the URL
// fragment), then drive the TV. The token lives in this origin's localStorage and goes in an
// Authorization header, never in a URL; the event socket gets it as its first message.
"use strict";

// The words come from the TV (`/texts.json`, the core's catalogs); until they arrive, and if
// they never do, buttons show their symbols and keys.
let texts = {};
const lang = (navigator.language || "en").toLowerCase().startsWith("ru") ? "ru" : "en";
const t = (key) => texts[key] || key;
const $ = (id) => document.getElementById(id);
let token = localStorage.getItem("getanime-token");
let socket = null;
// Keys, text and playback go to the TV one request after another, in the order pressed: a late
// keystroke must never overwrite what Enter sent, nor a Down arrive after the OK that followed.
let queue = Promise.resolve();
function inOrder(path, body) {
  queue = queue.then(() => api("POST", path, body)).catch(() => {});
  return queue;
}
function sendText(text, submit) {
  return inOrder("text", { text, submit });
}

async function loadTexts() {
  try {
    const response = await fetch("/texts.json");
    if (response.ok) {
      const all = await response.json();
      texts = all[lang] || all.en || {};
    }
  } catch (error) {
    // The TV is away: the page still works with its symbols, and says so when it reconnects.
  }
}

function translate() {
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll("[data-text]")) {
    element.textContent = t(element.dataset.text);
  }
  for (const element of document.querySelectorAll("[data-placeholder]")) {
    element.placeholder = t(element.dataset.placeholder);
  }
}

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch("/api/v1/" + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && path !== "pairings") {
    forgetHere();
  }
  return response;
}

function forgetHere() {
  token = null;
  localStorage.removeItem("getanime-token");
  if (socket) socket.close();
  show();
}

function show() {
  $("pair").hidden = !!token;
  $("remote").hidden = !token;
  if (token) {
    connect();
    loadLibrary();
  } else {
    $("code").focus();
  }
}

async function pair(proof) {
  const name = (navigator.userAgentData && navigator.userAgentData.platform) || "Phone";
  const response = await api("POST", "pairings", Object.assign({ device_name: name }, proof));
  if (response.status === 201) {
    token = (await response.json()).token;
    localStorage.setItem("getanime-token", token);
    $("pair-error").textContent = "";
    history.replaceState(null, "", "/");
    show();
  } else {
    $("pair-error").textContent = response.status === 409 ? t("closed") : t("wrong");
  }
}

function connect() {
  if (socket) return;
  socket = new WebSocket("ws://" + location.host + "/api/v1/events");
  socket.onopen = () => {
    socket.send(JSON.stringify({ auth: token }));
    $("state").textContent = t("connected");
  };
  socket.onmessage = (event) => onEvent(JSON.parse(event.data));
  socket.onclose = (event) => {
    socket = null;
    $("state").textContent = token ? t("offline") : "";
    if (event.code === 4403 || event.code === 4401) {
      forgetHere();
    } else if (token) {
      setTimeout(connect, 2000);
    }
  };
}

function onEvent(message) {
  if (message.type === "text_requested") {
    const search = $("search");
    if (document.activeElement !== search) {
      search.value = message.value || "";
      search.focus();
    }
  } else if (message.type === "now_playing") {
    const playing = message.now_playing;
    $("playing").hidden = !playing;
    if (playing) {
      $("playing-title").textContent = playing.title + " · " + t("episode") + " " + playing.episode;
      $("playing-bar").value = playing.duration_ms ? playing.position_ms / playing.duration_ms : 0;
      $("playing-state").textContent = [
        playing.quality,
        playing.muted ? t("sound_off") : playing.volume + "%",
      ].filter(Boolean).join(" · ");
    }
  } else if (message.type === "bye" && message.reason === "forgotten") {
    forgetHere();
  }
}

async function loadLibrary() {
  const response = await api("GET", "library?limit=50");
  if (!response.ok) return;
  const list = $("titles");
  list.textContent = "";
  for (const title of (await response.json()).titles) {
    const item = document.createElement("li");
    const image = document.createElement("img");
    image.alt = "";
    item.append(image);
    const name = document.createElement("span");
    name.textContent = title.name + (title.year ? " (" + title.year + ")" : "");
    item.append(name);
    const play = document.createElement("button");
    play.textContent = t("play");
    play.onclick = () => playOnTv(title.id);
    item.append(play);
    list.append(item);
    loadPoster(title.id, image);
  }
}

async function loadPoster(id, image) {
  const response = await api("GET", "titles/" + id + "/poster");
  if (response.ok) image.src = URL.createObjectURL(await response.blob());
}

async function playOnTv(id) {
  const response = await api("GET", "titles/" + id);
  if (!response.ok) return;
  const details = await response.json();
  const next = details.episodes.find((entry) => !(entry.watch && entry.watch.watched)) || details.episodes[0];
  if (next) await api("POST", "play", { title_id: id, episode: next.episode.number, from: "resume" });
}

function wire() {
  $("pair-form").onsubmit = (event) => {
    event.preventDefault();
    pair({ code: $("code").value });
  };
  $("search-form").onsubmit = (event) => {
    event.preventDefault();
    sendText($("search").value, true);
    $("search").blur();
  };
  $("search").oninput = () => sendText($("search").value, false);
  for (const button of document.querySelectorAll("[data-key]")) {
    button.onclick = () => inOrder("keys", { key: button.dataset.key });
  }
  for (const button of document.querySelectorAll("[data-player]")) {
    button.onclick = () => inOrder("player", { action: button.dataset.player });
  }
  for (const button of document.querySelectorAll("[data-volume]")) {
    button.onclick = () => inOrder("player", { action: "volume", steps: Number(button.dataset.volume) });
  }
  for (const button of document.querySelectorAll("[data-seek]")) {
    button.onclick = () => inOrder("player", { action: "seek", delta_ms: Number(button.dataset.seek) });
  }
  $("forget").onclick = async () => {
    await api("DELETE", "pairings/self");
    forgetHere();
  };
}

async function start() {
  wire();
  await loadTexts();
  translate();
  // The QR code's URL carries a one-time secret in its fragment (never sent to a server).
  const secret = new URLSearchParams(location.hash.slice(1)).get("pair");
  if (!token && secret) {
    pair({ secret });
  } else {
    show();
  }
}

start();
