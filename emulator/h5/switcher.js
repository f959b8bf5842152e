// Injected into the H5 preview's index.html by the preview server: a bar to act as one demo person.
// It writes the choice where src/services/h5-bridge.ts reads it, then reloads.
;(function () {
  var KEY = 'preview.user'
  function render(users) {
    var current = localStorage.getItem(KEY)
    if (
      !current ||
      !users.some(function (u) {
        return u.name === current
      })
    ) {
      current = users.length ? users[0].name : ''
      localStorage.setItem(KEY, current)
    }
    var bar = document.createElement('div')
    bar.id = 'preview-switcher'
    bar.setAttribute(
      'style',
      'position:fixed;right:8px;bottom:60px;z-index:99999;background:#222;color:#fff;padding:6px 8px;border-radius:8px;font:12px sans-serif;opacity:.92',
    )
    bar.appendChild(document.createTextNode('预览身份：'))
    users.forEach(function (u) {
      var b = document.createElement('button')
      b.textContent = u.name
      b.setAttribute('data-user', u.name)
      b.setAttribute(
        'style',
        'margin-left:4px;border:0;border-radius:4px;padding:2px 6px;' +
          (u.name === current ? 'background:#b8322a;color:#fff;font-weight:bold' : 'background:#eee;color:#222'),
      )
      b.onclick = function () {
        localStorage.setItem(KEY, u.name)
        location.reload()
      }
      bar.appendChild(b)
    })
    document.body.appendChild(bar)
  }
  fetch('/__preview/users')
    .then(function (r) {
      return r.json()
    })
    .then(function (d) {
      render(d.users)
    })
})()
