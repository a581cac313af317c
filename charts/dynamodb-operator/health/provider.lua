-- Argo CD health check for AWSProvider (aws-infra-operator.runner.codes), the same verdicts kstatus
-- gives: Progressing until the reconciler has seen this generation and the provider is Ready, Degraded
-- when Stalled (an invalid spec or a tenancy-policy denial: only an edit or the admin's policy helps),
-- Healthy when Ready=True.
local hs = {}
local function condition(t)
  if obj.status == nil or obj.status.conditions == nil then return nil end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == t then return c end
  end
  return nil
end
if obj.status == nil or obj.status.observedGeneration == nil
    or obj.status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "waiting for the reconciler to see generation " .. tostring(obj.metadata.generation)
  return hs
end
local ready = condition("Ready")
local stalled = condition("Stalled")
-- The reasons the reconciler marks Stalled, also read from Ready in case Stalled is absent.
local doomed = ready ~= nil and ready.status == "False"
    and (ready.reason == "InvalidProvider" or ready.reason == "PolicyDenied")
if (stalled ~= nil and stalled.status == "True") or doomed then
  hs.status = "Degraded"
  if stalled ~= nil and stalled.status == "True" then hs.message = stalled.message else hs.message = ready.message end
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
  return hs
end
hs.status = "Progressing"
if ready ~= nil then hs.message = ready.message else hs.message = "no Ready condition yet" end
return hs
