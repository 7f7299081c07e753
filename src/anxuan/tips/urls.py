from django.urls import path

from anxuan.tips import views, views_custody, views_rewards, views_stats

app_name = "tips"

urlpatterns = [
    path("tips/new/", views.file_tip, name="file_tip"),
    path("tips/follow/", views.follow_tip, name="follow_tip"),
    path("tips/recover/", views.recover_receipt, name="recover"),
    path("tips/follow/<slug:step>/", views.reporter_step, name="reporter_step"),
    path("tips/captcha.png", views.captcha_image, name="captcha"),
    path("tips/places/", views.place_levels, name="places"),
    path("tips/", views.inbox, name="inbox"),
    path("tips/rewards/office/<int:office>/", views_rewards.reward_tables, name="reward_tables"),
    path(
        "tips/rewards/office/<int:office>/new/",
        views_rewards.reward_table_new,
        name="reward_table_new",
    ),
    path("tips/rewards/<int:pk>/", views_rewards.tip_reward, name="tip_reward"),
    path("tips/rewards/<int:pk>/notice/", views_rewards.reward_notice, name="reward_notice"),
    path("tips/rewards/<int:pk>/claimed/", views_rewards.reward_claimed, name="reward_claimed"),
    path("tips/rewards/<int:pk>/paid/", views_rewards.reward_paid, name="reward_paid"),
    path("tips/statistics/", views_stats.tip_stats, name="tip_stats"),
    path("tips/statistics.xlsx", views_stats.tip_stats_xlsx, name="tip_stats_xlsx"),
    path("tips/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("tips/<int:pk>/<slug:step>/", views.tip_step, name="tip_step"),
    path("tips/enter/", views.enter_tip, name="enter_tip"),
    path("tips/offices/<int:org_pk>/rules/", views.tip_rules, name="rules"),
    # Identity protection and evidence files (views_custody).
    path("tips/offices/<int:org_pk>/custodian/", views_custody.custodian, name="custodian"),
    path(
        "tips/offices/<int:org_pk>/identity-log/", views_custody.identity_log, name="identity_log"
    ),
    path("tips/reveal/<int:pk>/", views_custody.identity_reveal, name="identity_reveal"),
    path("tips/files/<int:pk>/", views_custody.tip_file, name="tip_file"),
    path(
        "tips/files/<int:pk>/thumb/",
        views_custody.tip_file,
        {"thumb": True},
        name="tip_file_thumb",
    ),
]
