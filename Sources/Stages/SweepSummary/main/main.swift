import BuildProvenance
import SweepSummary
import PipelineCore

StageMain.run(SweepSummaryStage.self, codeTable: codeTable)
