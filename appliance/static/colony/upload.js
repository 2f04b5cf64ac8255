// Drag and drop with per-file progress. Without JavaScript the form posts as usual.
(function () {
  const form = document.getElementById("upload-form");
  const input = document.getElementById("id_files");
  const zone = document.getElementById("dropzone");
  const list = document.getElementById("upload-progress");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function uploadOne(file) {
    const item = document.createElement("li");
    const bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    const label = document.createElement("span");
    label.textContent = file.name;
    const result = document.createElement("span");
    item.append(label, bar, result);
    list.append(item);
    const data = new FormData();
    data.append("files", file);
    const declared = form.querySelector("[name=doc_type]");
    if (declared && declared.value) data.append("doc_type", declared.value);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
    xhr.onload = () => {
      bar.value = 100;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      const r = (body.results || [])[0];
      if (r && r.ok) {
        const link = document.createElement("a");
        link.href = r.url; link.textContent = r.message;
        result.append(link);
      } else {
        result.textContent = r ? r.message : "upload failed (" + xhr.status + ")";
        result.className = "error";
      }
    };
    xhr.onerror = () => { result.textContent = "network error"; result.className = "error"; };
    xhr.send(data);
  }

  function uploadAll(files) { Array.from(files).forEach(uploadOne); }
  form.addEventListener("submit", (e) => { e.preventDefault(); uploadAll(input.files); form.reset(); });
  ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add("dragging"); }));
  ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.remove("dragging"); }));
  zone.addEventListener("drop", (e) => uploadAll(e.dataTransfer.files));
})();
