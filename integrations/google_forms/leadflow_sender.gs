/**
 * leadflow sender: posts each Google Form response to leadflow's signed intake webhook.
 *
 * Payload: CONNECTORS.md section 4.1 (source, form_id, response_id, submitted_at,
 * respondent_email, answers[{item_id, title, type, value}]). Header:
 *   X-Leadflow-Signature: t=<unix seconds>,v2=<hex HMAC-SHA256(secret, t + "." + source + "." + body)>
 * where source is the URL's last path part (google_forms): a signature is good for one source.
 * Script properties: LEADFLOW_URL (https://your-host/intake/google_forms), LEADFLOW_SECRET.
 * Run installTrigger() once from the editor; leadflow's reconciler picks up anything missed.
 */

function installTrigger() {
  var form = FormApp.getActiveForm();
  ScriptApp.getProjectTriggers().forEach(function (trigger) {
    if (trigger.getHandlerFunction() === 'onFormSubmit') ScriptApp.deleteTrigger(trigger);
  });
  ScriptApp.newTrigger('onFormSubmit').forForm(form).onFormSubmit().create();
}

function buildPayload(form, response) {
  return {
    source: 'google_forms',
    form_id: form.getId(),
    response_id: response.getId(),
    submitted_at: response.getTimestamp().toISOString(),
    respondent_email: response.getRespondentEmail() || null,
    answers: response.getItemResponses().map(function (itemResponse) {
      var item = itemResponse.getItem();
      return {
        item_id: item.getId(),
        title: item.getTitle(),
        type: String(item.getType()),
        value: itemResponse.getResponse()
      };
    })
  };
}

/** Lowercase hex of HMAC-SHA256; Apps Script returns signed bytes (-128..127). */
function hmacHex(message, secret) {
  var bytes = Utilities.computeHmacSha256Signature(message, secret, Utilities.Charset.UTF_8);
  return bytes.map(function (b) { return ('0' + (b & 0xff).toString(16)).slice(-2); }).join('');
}

/** The intake source a URL posts to: its last path part (https://host/intake/google_forms). */
function sourceOf(url) {
  return url.split('?')[0].replace(/\/+$/, '').split('/').pop();
}

function signatureHeader(body, secret, unixSeconds, source) {
  var t = String(unixSeconds);
  return 't=' + t + ',v2=' + hmacHex(t + '.' + source + '.' + body, secret);
}

function onFormSubmit(e) {
  var props = PropertiesService.getScriptProperties();
  var url = props.getProperty('LEADFLOW_URL');
  var secret = props.getProperty('LEADFLOW_SECRET');
  if (!url || !secret) throw new Error('set LEADFLOW_URL and LEADFLOW_SECRET in Script properties');
  var body = JSON.stringify(buildPayload(e.source, e.response));
  var header = signatureHeader(body, secret, Math.floor(Date.now() / 1000), sourceOf(url));
  var resp = UrlFetchApp.fetch(url, {
    method: 'post',
    contentType: 'application/json; charset=utf-8',
    payload: body,
    muteHttpExceptions: true,
    headers: { 'X-Leadflow-Signature': header }
  });
  // A failure surfaces in the trigger's failure email; the reconciler still receives the response.
  if (resp.getResponseCode() >= 300) {
    throw new Error('leadflow intake answered ' + resp.getResponseCode());
  }
}
