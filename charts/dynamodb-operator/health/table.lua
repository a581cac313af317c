-- Argo CD health check for DynamoDBTable and DynamoDB (aws-infra-operator.runner.codes), the same
-- verdicts kstatus gives: Progressing until the reconciler has seen this generation and the table is
-- Ready and Synced, Degraded when Stalled (= Terminal: only a human can help), Healthy when done,
-- Suspended while paused.
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
-- Paused by its annotation (aws-infra-operator.runner.codes/paused): Argo CD's Suspended, as for a
-- paused Rollout — nothing happens until a human resumes it, and nothing is wrong.
local synced = condition("Synced")
if synced ~= nil and synced.reason == "Paused" then
  hs.status = "Suspended"
  hs.message = synced.message
  return hs
end
local stalled = condition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message
  return hs
end
local ready = condition("Ready")
local reconciling = condition("Reconciling")
if ready ~= nil and ready.status == "True" and (reconciling == nil or reconciling.status ~= "True") then
  hs.status = "Healthy"
  hs.message = ready.message
  return hs
end
hs.status = "Progressing"
if ready ~= nil then hs.message = ready.message else hs.message = "no Ready condition yet" end
return hs
