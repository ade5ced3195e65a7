# The migration lock: one item in a DynamoDB table, taken with a conditional PutItem at the
# start of every run (by the runner, and first by `zonke migrate`) and deleted on every way
# out of the runner.
#
# Why not ListExecutions (the runner's first check): AWS documents it as "eventually
# consistent. The results are best effort and may not reflect very recent updates", so two
# runs started together can both see themselves alone.
#   https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
# A conditional write is atomic: of two writers, the one whose condition no longer holds
# gets ConditionalCheckFailedException.
#   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
#
# The lock item (key lock_id = "migration"):
#   holder       the execution name of the run that holds it (the CLI names its run first)
#   execution    the execution ARN
#   image        the image being migrated to
#   acquired_at  when it was taken (ISO 8601)
#   expires_at   epoch seconds after which the lock is free: the table's TTL attribute
#
# A holder that dies without releasing (the execution's own timeout, StopExecution, a CLI
# killed between taking the lock and starting the run) leaves the item behind. The lease
# outlives the runner's execution timeout, so a live run never loses its lock; once it has
# passed, the acquire condition treats the item as free. TTL only tidies up: DynamoDB deletes
# expired items in the background, typically within days, and they stay readable and
# writable until then, which is why the condition compares expires_at itself.
#   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
#   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html
#
# Owners: Terraform owns the table; the lock item is owned by the runner and `zonke migrate`
# at run time (Terraform never reads or writes items).

locals {
  lock_table_name = "${var.name}-migration-lock"
  lock_table_arn  = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.lock_table_name}"
  lock_key        = "migration"
  # The runner's execution cannot outlive the definition's TimeoutSeconds; the lease adds
  # five minutes on top, so it only ever frees a lock whose holder is certainly gone.
  lock_lease_seconds = local.execution_timeout_seconds + 300

  # Step Functions' JSONPath has no clock: one state in JSONata (allowed per state in a
  # JSONPath state machine) reads $millis() and adds the lease.
  #   https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
  lock_clock = "{% $merge([$states.input, {'clock': {'now': $string($floor($millis() / 1000)), 'leaseEnd': $string($floor($millis() / 1000) + ${local.lock_lease_seconds})}}]) %}"

  # Transient DynamoDB errors are retried; a failed condition never is.
  #   https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html (error prefix "DynamoDB.")
  lock_retry = [{
    ErrorEquals     = ["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.RequestLimitExceeded", "DynamoDB.InternalServerErrorException", "DynamoDB.ThrottlingException"]
    IntervalSeconds = 1
    MaxAttempts     = 5
    BackoffRate     = 2
  }]

  lock_release_parameters = {
    TableName                 = local.lock_table_name
    Key                       = { lock_id = { S = local.lock_key } }
    ConditionExpression       = "holder = :me"
    ExpressionAttributeValues = { ":me" = { "S.$" = "$$.Execution.Name" } }
  }

  lock_states = {
    ReadClock = {
      Type          = "Pass"
      QueryLanguage = "JSONata"
      Comment       = "Now and the end of this run's lease, in epoch seconds, for the lock."
      Output        = local.lock_clock
      Next          = "AcquireLock"
    }
    # Free, expired, or already ours (`zonke migrate` takes it in this execution's name
    # before starting it; a retried put is harmless).
    AcquireLock = {
      Type     = "Task"
      Resource = "arn:${local.partition}:states:::dynamodb:putItem"
      Parameters = {
        TableName = local.lock_table_name
        Item = {
          lock_id     = { S = local.lock_key }
          holder      = { "S.$" = "$$.Execution.Name" }
          execution   = { "S.$" = "$$.Execution.Id" }
          image       = { "S.$" = "$.image" }
          acquired_at = { "S.$" = "$$.State.EnteredTime" }
          expires_at  = { "N.$" = "$.clock.leaseEnd" }
        }
        ConditionExpression       = "attribute_not_exists(lock_id) OR expires_at < :now OR holder = :me"
        ExpressionAttributeValues = { ":now" = { "N.$" = "$.clock.now" }, ":me" = { "S.$" = "$$.Execution.Name" } }
      }
      ResultPath = null
      Retry      = local.lock_retry
      Catch = [
        { ErrorEquals = ["DynamoDB.ConditionalCheckFailedException"], ResultPath = "$.lockError", Next = "ReadLockHolder" },
        { ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "LockUnavailable" },
      ]
      Next = "DescribeBaseTaskDefinition"
    }
    ReadLockHolder = {
      Type       = "Task"
      Resource   = "arn:${local.partition}:states:::dynamodb:getItem"
      Parameters = { TableName = local.lock_table_name, Key = { lock_id = { S = local.lock_key } }, ConsistentRead = true }
      ResultPath = "$.lockHolder"
      Retry      = local.lock_retry
      Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "LockUnavailable" }]
      Next       = "HolderKnown"
    }
    HolderKnown = {
      Type    = "Choice"
      Choices = [{ Variable = "$.lockHolder.Item", IsPresent = true, Next = "AlreadyRunning" }]
      Default = "HolderJustLeft"
    }
    AlreadyRunning = {
      Type      = "Fail"
      Error     = "Migration.AlreadyRunning"
      CausePath = "States.Format('Another migration run of ${var.name} holds the lock: {} (image {}), since {}. This run started nothing; run it again once that one has finished.', $.lockHolder.Item.holder.S, $.lockHolder.Item.image.S, $.lockHolder.Item.acquired_at.S)"
    }
    HolderJustLeft = {
      Type  = "Fail"
      Error = "Migration.AlreadyRunning"
      Cause = "Another migration run of ${var.name} held the lock a moment ago and has just released it. This run started nothing; run it again."
    }
    LockUnavailable = {
      Type      = "Fail"
      Error     = "Migration.LockUnavailable"
      CausePath = "States.Format('The migration lock (DynamoDB table ${local.lock_table_name}) could not be read or written, so nothing was run: {}: {}', $.error.Error, $.error.Cause)"
    }
    # Every way out after AcquireLock goes through one of these two.
    ReleaseLockAfterSuccess = {
      Type       = "Task"
      Resource   = "arn:${local.partition}:states:::dynamodb:deleteItem"
      Parameters = local.lock_release_parameters
      ResultPath = null
      Retry      = local.lock_retry
      # The migration did succeed: a lock that cannot be deleted (or is no longer ours)
      # expires with its lease, so the run still reports success.
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.lockReleaseError", Next = "MigrationSucceeded" }]
      Next  = "MigrationSucceeded"
    }
    ReleaseLockAfterFailure = {
      Type       = "Task"
      Resource   = "arn:${local.partition}:states:::dynamodb:deleteItem"
      Parameters = local.lock_release_parameters
      ResultPath = null
      Retry      = local.lock_retry
      Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.lockReleaseError", Next = "MigrationFailed" }]
      Next       = "MigrationFailed"
    }
    MigrationFailed = {
      Type      = "Fail"
      ErrorPath = "$.failure.error"
      CausePath = "$.failure.cause"
    }
  }
}

resource "aws_dynamodb_table" "lock" {
  # checkov:skip=CKV_AWS_28:Point-in-time recovery would restore a lock item, never wanted: the table holds one short-lived item.
  name         = local.lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "lock_id"

  attribute {
    name = "lock_id"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  # Encrypted with the module's key (the runner's data and logs share it).
  server_side_encryption {
    enabled     = true
    kms_key_arn = local.kms_key_arn
  }

  point_in_time_recovery {
    enabled = false
  }

  tags = local.tags
}
