using YamlDotNet.RepresentationModel;

namespace ShipRoom.Core.Plans;

/// <summary>
/// <c>postSuccess:</c> — <c>actions:</c> (deploy actions sent once the rollout completes after its stable time at
/// 100%), <c>winNote:</c> (draft the internal win note) and <c>cohortReview:</c> (<c>after:</c> GA, <c>metrics:</c>).
/// </summary>
public static partial class PlanParser
{
    private sealed partial class PlanBuilder
    {
        private PostSuccessPlan? ReadPostSuccess(PaymentCaps? caps)
        {
            if (r.Mapping(r.Child(root, "postSuccess"), "postSuccess", required: false) is not { } map)
            {
                return null;
            }

            r.OnlyKnownKeys(map, "postSuccess", "actions", "winNote", "cohortReview");
            var actions = new List<string>();
            foreach (var action in r.Strings(map, "actions", "postSuccess"))
            {
                if (!PostSuccessActions.Known.Contains(action, StringComparer.Ordinal))
                {
                    r.Error(r.Child(map, "actions"), "postSuccess.actions", $"'{action}' is not a post-success action (actions: {string.Join(", ", PostSuccessActions.Known)})");
                }
                else if (actions.Contains(action, StringComparer.Ordinal))
                {
                    r.Error(r.Child(map, "actions"), "postSuccess.actions", $"'{action}' is listed twice");
                }
                else if (action == PostSuccessActions.LiftPaymentCaps && caps is null)
                {
                    r.Error(r.Child(map, "actions"), "postSuccess.actions", "lift-payment-caps needs paymentCaps: the plan sets no caps to lift");
                }
                else
                {
                    actions.Add(action);
                }
            }

            CohortReviewPlan? review = null;
            if (r.Mapping(r.Child(map, "cohortReview"), "postSuccess.cohortReview", required: false) is { } reviewMap)
            {
                r.OnlyKnownKeys(reviewMap, "postSuccess.cohortReview", "after", "metrics");
                var after = r.Duration(reviewMap, "after", "postSuccess.cohortReview", required: true);
                if (after is { } a && (a <= TimeSpan.Zero || a > TimeSpan.FromDays(90)))
                {
                    r.Error(r.Child(reviewMap, "after"), "postSuccess.cohortReview.after", "the cohort review must be due after GA, within 90 days (e.g. 7d)");
                    after = null;
                }

                var metrics = r.Strings(reviewMap, "metrics", "postSuccess.cohortReview").ToList();
                foreach (var key in metrics.Where(k => !_metrics.ContainsKey(k)))
                {
                    r.Error(r.Child(reviewMap, "metrics"), "postSuccess.cohortReview.metrics", $"'{key}' is not a metric of the plan");
                }

                if (metrics.Count == 0)
                {
                    r.Error(reviewMap, "postSuccess.cohortReview.metrics", "name the metrics the review reports (funnels, conversion, ARPU, unit economics)");
                }

                review = after is { } due ? new CohortReviewPlan(due, metrics.Where(_metrics.ContainsKey).Distinct(StringComparer.Ordinal).ToList()) : null;
            }

            return new PostSuccessPlan(actions, r.Bool(map, "winNote", "postSuccess") ?? false, review);
        }
    }
}
