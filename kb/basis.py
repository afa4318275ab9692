"""Calibrating the "no basis" judgement to the corpus at hand.

How close the nearest article is to a question depends on the corpus: a knowledge base of three laws is
further from every question than one of sixty. So the threshold is set from a null distribution: the
nearest-article similarity of everyday questions that no transport-enforcement corpus answers. A
question counts as having a basis when its nearest article is ``z`` standard deviations above their mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OFF_TOPIC_PROBES: tuple[str, ...] = (
    "今天天气怎么样？", "离婚后孩子的抚养权归谁？", "股票怎么开户？", "考研需要准备什么？", "感冒了吃什么药？",
    "怎么做红烧肉？", "世界杯冠军是谁？", "信用卡逾期会怎样？", "租房押金不退怎么办？", "孩子上幼儿园怎么报名？",
    "手机丢了怎么挂失？", "养猫需要注意什么？", "如何申请专利？", "公司拖欠工资怎么办？", "高考志愿怎么填报？",
    "退休金怎么计算？", "结婚证怎么办理？", "房产证丢了怎么补办？", "减肥有什么好方法？", "银行贷款利率是多少？",
)


@dataclass(frozen=True)
class NullCalibration:
    mean: float
    std: float

    def threshold(self, z: float) -> float:
        return self.mean + z * self.std


def calibrate_questions(probe_vectors: np.ndarray) -> NullCalibration:
    """The similarity of two unrelated questions under this embedding model: every pair of distinct probes.
    (Models differ widely here: multilingual-e5 puts unrelated questions near 0.83.)"""
    sims = np.asarray(probe_vectors, dtype=np.float64) @ np.asarray(probe_vectors, dtype=np.float64).T
    return calibrate(list(sims[np.triu_indices(len(sims), 1)]))


def calibrate(nearest_similarities: list[float]) -> NullCalibration:
    scores = np.asarray(nearest_similarities, dtype=np.float64)
    if scores.size == 0:
        return NullCalibration(mean=1.0, std=0.0)
    return NullCalibration(mean=float(scores.mean()), std=float(scores.std()))
